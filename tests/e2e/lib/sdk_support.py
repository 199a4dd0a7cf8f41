"""What the openstacksdk scripts tests/e2e/sdk_*.py share: a suffix for their names, checks and
the report that ends a script, connections from $OS_CLIENT_CONFIG_FILE, sections, and calls to
the /stacksim harness at $STACKSIM_URL. tests/e2e/run.sh sets both variables.
"""
import json
import os
import random
import sys
import traceback
import urllib.request

import openstack

SUFFIX = f"{os.getpid()}-{random.randrange(1 << 30)}"  # in every name a script creates: runs do not collide
failures = []  # what check() and section() found wrong, for report()


def check(cond, what):
    """Records a failed check; the script goes on and report() ends it with exit code 1."""
    if not cond:
        failures.append(what)
        print(f"FAIL: {what}", file=sys.stderr)


def check_or_exit(cond, what, say_ok=True):
    """A check whose failure ends the script at once (exit code 1); says `ok: what` when it holds."""
    if not cond:
        print(f"FAIL: {what}", file=sys.stderr)
        sys.exit(1)
    if say_ok:
        print(f"ok: {what}")


def report(name):
    """The script's last line: its failures and exit code 1, or that every check passed."""
    if failures:
        print(f"{name}: {len(failures)} failure(s):", *failures, sep="\n  ", file=sys.stderr)
        sys.exit(1)
    print(f"{name}: every check passed")


def connect(cloud="stacksim"):
    """A connection to one of the clouds.yaml's clouds: stacksim (demo), stacksim-admin, stacksim-system-admin."""
    return openstack.connect(cloud=cloud)


def connect_as(username, project_name, cloud="stacksim"):
    """A connection as another user of the cloud's password in another project (alt_demo, demo_reader)."""
    config = openstack.config.OpenStackConfig(config_files=[os.environ["OS_CLIENT_CONFIG_FILE"]])
    return openstack.connection.Connection(config=config.get_one(cloud, auth={"username": username, "project_name": project_name}))


def section(name):
    """A decorator that runs the function at once: if it raises, that is a failure and the next section still runs."""
    def run(fn):
        print(f"--- {name}")
        try:
            fn()
        except Exception as error:
            traceback.print_exc()
            failures.append(f"{name}: {type(error).__name__}: {error}")
            print(f"FAIL: {name}: {error}", file=sys.stderr)
        return fn
    return run


def harness(path, body=None):
    """A POST to `stacksim serve --harness` (/stacksim/snapshot, /stacksim/restore); its JSON answer."""
    request = urllib.request.Request(os.environ["STACKSIM_URL"] + path, method="POST", data=json.dumps(body or {}).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        text = response.read()
    return json.loads(text) if text else None
