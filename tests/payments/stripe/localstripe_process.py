"""Runs localstripe (a fake Stripe server, GPL-3.0, a test dependency only) in its own process on
127.0.0.1: `python localstripe_process.py PORT`. Its state stays in memory: the pickle file it would
write to the temp folder after every change (and read at start) is switched off here."""

import sys

import aiohttp.web
from localstripe import resources, server

resources.Store.dump_to_disk = lambda self: None
resources.Store.try_load_from_disk = lambda self: None

if __name__ == "__main__":
    aiohttp.web.run_app(server.app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
