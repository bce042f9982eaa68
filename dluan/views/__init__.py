"""Foundation views, one module per part: the home page and notifications, the health
check, the error pages, the account and sign-in, the audit trail."""
