# Runs a part of one of Eclipse Paho's interoperability suites (the peer in shared/peers/paho-mqtt-testing, run from
# where it is) against 127.0.0.1:PORT, so that parts can run side by side against gateways of their own:
#
#   python3 run_shard.py PAHO_DIR PORT 3|5 only|except NAME[,NAME...]
#
# "only" runs the named tests, "except" every test of the suite but those, so a test added to the suite upstream
# lands in the "except" part and is never left out. Prints the test names it selected ("selected: a b c"), then
# unittest's verbose output and summary ("Ran N tests", "OK" or "FAILED (...)").
import os
import runpy
import sys
import unittest

paho_dir, port, version, mode, names = sys.argv[1:6]
named = set(filter(None, names.split(",")))
os.chdir(os.path.join(paho_dir, "interoperability"))
sys.path.insert(0, os.getcwd())
script = "client_test5.py" if version == "5" else "client_test.py"
original_main = unittest.main


def selected_main(*args, **kwargs):
    # Called by the suite's own __main__ block once it has set its host, port and topics; the suite's module is
    # sys.modules["__main__"] while runpy runs it.
    suite_class = sys.modules["__main__"].Test
    every = unittest.defaultTestLoader.getTestCaseNames(suite_class)
    unknown = named.difference(every)
    if unknown:
        sys.exit("no such test in %s: %s" % (script, ", ".join(sorted(unknown))))
    chosen = [n for n in every if (n in named) == (mode == "only")]
    print("selected: " + " ".join(chosen), flush=True)
    original_main(argv=[script] + ["Test." + n for n in chosen], exit=True, verbosity=2)


unittest.main = selected_main
sys.argv = [script, "--hostname", "127.0.0.1", "--port", port]
runpy.run_path(script, run_name="__main__")
