"""Portal pages: sign-in, cases, orders, help center, account, surveys."""
