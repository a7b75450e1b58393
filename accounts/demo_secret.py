"""The demo accounts' TOTP secret, on its own so totp_code can use it without loading the demo.

160 bits (32 base32 characters), as RFC 4226 recommends: OTP libraries refuse secrets under 128.
Demo only, printed by `make run` and published in the README: never use it for a real account.
"""

DEMO_TOTP_SECRET = "6PBHALAJKS5NEPNXIMZLCJTRM3AS4QR3"
