"""What the session knows of how its user signed in, shared by the SPID/CIE login
(accounts.spid), the second factor (django-otp) and the pages that ask for a strong login (the
online vote, when its ambito requires it)."""

# "password", "spid" or "cie".
METODO = "pdz_metodo_accesso"
# The SPID/CIE level the identity provider asserted (1, 2 or 3); absent for password logins.
LIVELLO_SPID = "pdz_livello_spid"
