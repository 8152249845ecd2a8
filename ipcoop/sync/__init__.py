"""Sharing one database between copies through git: the engine, the merge driver, leases.

git      running git's command line predictably
repo     the database's folder as a repository
content  a database as git holds it, parsed and checked
engine   `ipcoop sync`
guard    what a sync refuses to take or send
mend     git's objects after a power cut
leases   blocks of ids, leased through the remote
repair   finishing a merge that a plain `git pull` left
driver   git's merge driver (python -m ipcoop.sync.driver)
"""
