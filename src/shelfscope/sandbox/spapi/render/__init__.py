"""Report documents in Amazon's real layouts, formats and character sets."""
