from partnerdesk.cli import run

run()
