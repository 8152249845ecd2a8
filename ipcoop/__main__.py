from ipcoop.cli import app

app(prog_name="ipcoop")
