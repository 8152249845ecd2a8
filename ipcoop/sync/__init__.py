"""Sharing one database between copies through git: the engine, the merge driver, leases.

git      running git's command line predictably
repo     the database's folder as a repository
content  a database as git holds it, parsed and checked
engine   `ipcoop sync`
first    a copy's first sync: sharing its database, or joining a remote's
incoming what a version from the remote must be for this copy to take it
guard    what a sync refuses to take or send
mend     git's objects after a power cut
locks    git's lock files left behind by a kill or a power cut
leases   blocks of ids, leased through the remote
repair   finishing a merge that a plain `git pull` left
driver   git's merge driver (python -m ipcoop.sync.driver)
keys     this copy's signing key (OpenSSH's ssh-keygen)
signers  the signers file: which keys may change the shared record
verify   judging commits: who signed each, and what of it this copy takes
signatures  the blobs and signatures the judge reads from git
entries  whose journal entries a commit brings (only that copy may sign them in)
trust    the founder this copy pinned, its own record, approvals and revocations
audit    what `ipcoop copies` and `ipcoop verify` report

May import: ipcoop.store and ipcoop.base. Must never import the core, the
reports or a front end; a front end starts a sync (`ipcoop sync`), and git runs
the driver.
"""
