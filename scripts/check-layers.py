#!/usr/bin/env python3
"""Fails when a lower layer includes a higher one (docs/ARCHITECTURE.md, Layers).

Usage: check-layers.py [--root DIR] [--list]

Two sides, each with a layer file listing, one line a folder, what it may include:
    # comment
    <folder>: <folder it may include> <another> ...

  host   scripts/layers-host.txt  folders relative to the repository; an
                                  include "x/y.h" is resolved next to the
                                  including file, then at the repository root
  guest  guest/layers.txt         folders relative to guest/; an include is
                                  resolved next to the file, then at guest/,
                                  then at the repository root (for abi/);
                                  `abi` may be named without a line of its own

A file belongs to the longest listed folder that is a prefix of its path. Every
source file of a side (.c .cc .cpp .h .hpp .S under it; the guest side is
guest/, the host side everything else but tests/fuzz/corpus and build*/) must belong to a
listed folder, so a new folder cannot slip past the check. Including a file of
one's own folder is always allowed; any other edge must be listed. The listed
edges must form no cycle. An include that resolves to no file in the tree (a
system header, a generated file) is not checked.

Exit status 0 when every include goes the allowed way, 1 with one line per
offending include (file:line) otherwise, 2 for a malformed layer file.
"""
import argparse
import os
import re
import sys

SOURCE_EXTENSIONS = ('.c', '.cc', '.cpp', '.h', '.hpp', '.S')
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
HOST_LAYERS = 'scripts/layers-host.txt'
GUEST_LAYERS = 'guest/layers.txt'
GUEST_DIR = 'guest'
NOT_SOURCE = ('tests/fuzz/corpus/',)  # and the build trees at the top: build*/


class LayerFileError(Exception):
    pass


def read_layers(path, implicit=()):
    """{folder: set of folders it may include}, in file order; the implicit
    folders (the guest's `abi`, the repository's abi/) include nothing."""
    layers = {folder: set() for folder in implicit}
    with open(path, encoding='utf-8') as f:
        for number, raw in enumerate(f, 1):
            line = raw.split('#', 1)[0].strip()
            if not line:
                continue
            folder, sep, targets = line.partition(':')
            folder = folder.strip().rstrip('/')
            if not sep or not folder:
                raise LayerFileError(f'{path}:{number}: expected "<folder>: <folder> ...", got {raw.strip()!r}')
            if folder in layers:
                raise LayerFileError(f'{path}:{number}: {folder} is listed twice')
            layers[folder] = {t.rstrip('/') for t in targets.split()}
    for folder, targets in layers.items():
        unknown = targets - set(layers)
        if unknown:
            raise LayerFileError(f'{path}: {folder} may include {sorted(unknown)}, which {path} does not list')
    return layers


def find_cycle(layers):
    """A list of folders forming a cycle of allowed edges, or None."""
    state = {}

    def visit(folder, trail):
        state[folder] = 'open'
        for target in sorted(layers[folder]):
            if target == folder:
                continue
            if state.get(target) == 'open':
                return trail[trail.index(target):] + [target]
            if target not in state:
                cycle = visit(target, trail + [target])
                if cycle:
                    return cycle
        state[folder] = 'done'
        return None

    for folder in layers:
        if folder not in state:
            cycle = visit(folder, [folder])
            if cycle:
                return cycle
    return None


def owner(path, folders):
    """The longest listed folder that is a prefix of path, or None."""
    best = None
    for folder in folders:
        if (path == folder or path.startswith(folder + '/')) and (best is None or len(folder) > len(best)):
            best = folder
    return best


def source_files(root, base, skip):
    """Repository-relative paths of the source files under base, sorted."""
    for directory, dirs, files in os.walk(os.path.join(root, base)):
        rel_dir = os.path.relpath(directory, root)
        rel_dir = '' if rel_dir == '.' else rel_dir
        dirs[:] = sorted(d for d in dirs if not d.startswith('.') and
                         not (rel_dir == '' and d.startswith('build')) and
                         not any((os.path.join(rel_dir, d) + '/').startswith(s) for s in skip))
        for name in sorted(files):
            if name.endswith(SOURCE_EXTENSIONS):
                yield os.path.join(rel_dir, name)


def resolve(root, including_file, name, search_dirs):
    """The repository-relative path an include names, or None."""
    for directory in [os.path.dirname(including_file)] + search_dirs:
        candidate = os.path.normpath(os.path.join(directory, name))
        if not candidate.startswith('..') and os.path.isfile(os.path.join(root, candidate)):
            return candidate
    return None


def check_side(root, name, layers, base, files, search_dirs):
    """Lines describing each problem of one side."""
    problems = []
    folders = {os.path.normpath(os.path.join(base, f)): f for f in layers}
    # abi/ is at the repository root for both sides.
    if base and 'abi' in layers:
        folders['abi'] = 'abi'
    for path in files:
        source_folder = owner(path, folders)
        if source_folder is None:
            problems.append(f'{path}: belongs to no folder listed in the {name} layer file')
            continue
        layer = folders[source_folder]
        with open(os.path.join(root, path), encoding='utf-8', errors='replace') as f:
            for number, line in enumerate(f, 1):
                match = INCLUDE.match(line)
                if not match:
                    continue
                target = resolve(root, path, match.group(1), search_dirs)
                if target is None:
                    continue
                target_folder = owner(target, folders)
                if target_folder is None or target_folder == source_folder:
                    continue
                target_layer = folders[target_folder]
                if target_layer not in layers[layer]:
                    allowed = ' '.join(sorted(layers[layer])) or 'nothing'
                    problems.append(f'{path}:{number}: includes "{match.group(1)}" ({target_layer}), '
                                    f'which {layer} may not include ({name} side; it may include: {allowed})')
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--root', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
    parser.add_argument('--list', action='store_true', help='print the layers and exit')
    args = parser.parse_args()
    root = os.path.abspath(args.root)

    sides = []
    try:
        host = read_layers(os.path.join(root, HOST_LAYERS))
        sides.append(('host', host, '', [f for f in source_files(root, '', NOT_SOURCE + (GUEST_DIR + '/',))
                                         if not f.startswith(GUEST_DIR + '/')], ['']))
        if os.path.isfile(os.path.join(root, GUEST_LAYERS)):
            guest = read_layers(os.path.join(root, GUEST_LAYERS), implicit=('abi',))
            sides.append(('guest', guest, GUEST_DIR, list(source_files(root, GUEST_DIR, NOT_SOURCE)),
                          [GUEST_DIR, '']))
    except (LayerFileError, OSError) as error:
        print(f'check-layers: {error}', file=sys.stderr)
        return 2

    problems = []
    for name, layers, base, files, search_dirs in sides:
        cycle = find_cycle(layers)
        if cycle:
            problems.append(f'{name} layer file: the allowed includes form a cycle: {" -> ".join(cycle)}')
        if args.list:
            for folder, targets in layers.items():
                print(f'{name}: {folder}: {" ".join(sorted(targets))}')
            continue
        problems += check_side(root, name, layers, base, files, search_dirs)
        print(f'check-layers: {name}: {len(files)} files in {len(layers)} folders checked')

    for problem in problems:
        print(f'check-layers: {problem}')
    if problems:
        print(f'check-layers: FAILED, {len(problems)} problem(s); the layers: docs/ARCHITECTURE.md, Layers')
        return 1
    print('check-layers: every include goes the allowed way')
    return 0


if __name__ == '__main__':
    sys.exit(main())
