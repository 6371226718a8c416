"""The HTTP surface: app factory (``shelfscope.api.app.create_app``), error mapping, pagination, deps."""
