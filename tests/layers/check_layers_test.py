#!/usr/bin/env python3
"""The layer check (scripts/check-layers.py) on small made-up trees: it must
pass a tree whose includes go down, and fail, naming file and line, on each
way a tree can go wrong."""
import os
import subprocess
import sys
import tempfile
import unittest

CHECKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'scripts', 'check-layers.py')

HOST_LAYERS = 'low:\nhigh: low\n'
GUEST_LAYERS = 'lib: abi\nmm: lib abi\n'


def make_tree(root, files, host_layers=HOST_LAYERS, guest_layers=GUEST_LAYERS):
    files = dict(files)
    files['scripts/layers-host.txt'] = host_layers
    if guest_layers is not None:
        files['guest/layers.txt'] = guest_layers
    for path, text in files.items():
        os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
        with open(os.path.join(root, path), 'w', encoding='utf-8') as f:
            f.write(text)


def check(files, **layers):
    with tempfile.TemporaryDirectory() as root:
        make_tree(root, files, **layers)
        run = subprocess.run([sys.executable, CHECKER, '--root', root], capture_output=True, text=True)
        return run.returncode, run.stdout + run.stderr


GOOD = {
    'low/a.h': '#pragma once\n',
    'high/b.cpp': '#include "low/a.h"\n#include "high/c.h"\n#include <vector>\n#include "generated.h"\n',
    'high/c.h': '#pragma once\n',
    'abi/x.h': '#pragma once\n',
    'guest/lib/s.h': '#include "abi/x.h"\n',
    'guest/mm/p.cpp': '#include "lib/s.h"\n#include "p.h"\n',
    'guest/mm/p.h': '#pragma once\n',
}


class CheckLayers(unittest.TestCase):
    def test_a_tree_whose_includes_go_down_passes(self):
        status, out = check(GOOD, host_layers='abi:\n' + HOST_LAYERS)
        self.assertEqual(status, 0, out)
        self.assertIn('every include goes the allowed way', out)

    def test_an_upward_include_on_the_host_fails_naming_file_and_line(self):
        status, out = check({**GOOD, 'low/a.h': '#pragma once\n\n#include "high/c.h"\n'},
                            host_layers='abi:\n' + HOST_LAYERS)
        self.assertEqual(status, 1, out)
        self.assertIn('low/a.h:3: includes "high/c.h" (high), which low may not include', out)

    def test_an_upward_include_in_the_guest_fails(self):
        status, out = check({**GOOD, 'guest/lib/s.h': '#include "mm/p.h"\n'}, host_layers='abi:\n' + HOST_LAYERS)
        self.assertEqual(status, 1, out)
        self.assertIn('guest/lib/s.h:1: includes "mm/p.h" (mm), which lib may not include (guest side', out)

    def test_a_relative_include_is_resolved_next_to_the_file(self):
        status, out = check({**GOOD, 'low/a.h': '#include "../high/c.h"\n'}, host_layers='abi:\n' + HOST_LAYERS)
        self.assertEqual(status, 1, out)
        self.assertIn('low/a.h:1', out)

    def test_a_file_in_no_listed_folder_fails(self):
        status, out = check({**GOOD, 'stray/d.cpp': '\n'}, host_layers='abi:\n' + HOST_LAYERS)
        self.assertEqual(status, 1, out)
        self.assertIn('stray/d.cpp: belongs to no folder listed in the host layer file', out)

    def test_a_cycle_of_allowed_includes_fails(self):
        status, out = check(GOOD, host_layers='abi:\nlow: high\nhigh: low\n')
        self.assertEqual(status, 1, out)
        self.assertIn('form a cycle', out)

    def test_a_malformed_layer_file_is_an_error_not_a_pass(self):
        status, out = check(GOOD, host_layers='abi:\nlow\n')
        self.assertEqual(status, 2, out)
        self.assertIn('expected "<folder>: <folder> ..."', out)

    def test_a_target_the_file_does_not_list_is_an_error(self):
        status, out = check(GOOD, host_layers='abi:\nlow: nowhere\nhigh: low\n')
        self.assertEqual(status, 2, out)
        self.assertIn("may include ['nowhere']", out)


if __name__ == '__main__':
    unittest.main()
