"""PartnerDesk: the service layer, settings and command line around the domain packages."""
