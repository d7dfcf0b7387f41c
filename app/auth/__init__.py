"""Staff sign-in, passwords, password reset, user management."""
