"""newsdesk-bot: follows named news stories and talks to editors about them."""

__version__ = "0.1.0"
