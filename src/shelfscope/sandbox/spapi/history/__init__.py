"""The simulated seller's account history: records, generators and the window queries over them."""
