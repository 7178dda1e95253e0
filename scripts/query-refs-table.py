#!/usr/bin/env python3
"""Print the tables of crates/plumb-parse/src/interp/query_refs.rs from pg_query's generated protobuf.rs.

Usage: scripts/query-refs-table.py ~/.cargo/registry/src/*/pg_query-<version>/src/protobuf.rs

Prints, for the `walk_fields!` table, one line per struct that holds nodes (directly or through another
struct): `Struct: [fields holding nodes] [type_name];`, then the `Node` variants whose struct holds nodes
(`walk`) and those whose struct holds none (`leaf`). After a pg_query upgrade, compare with the file's
tables (the variants RangeVar, CommonTableExpr, ColumnRef, FuncCall and TypeName are its `special` arms).
"""
import re
import sys

src = open(sys.argv[1]).read()
structs = {}
for m in re.finditer(r'\npub struct (\w+) \{(\}|\n.*?\n\})', src, re.S):
    name, body = m.group(1), m.group(2)
    # types that rustfmt wrapped over several lines, on one line
    body = re.sub(r',\s*>', '>', re.sub(r'<\s+', '<', body))
    structs[name] = [
        (('r#' if f.group(1) else '') + f.group(2), re.sub(r'\s+', '', f.group(3)))
        for f in re.finditer(r'pub (r#)?(\w+): ([^;]+?),\n', body + '\n')
    ]
node_enum = re.search(r'pub mod node \{.*?pub enum Node \{(.*?)\n    \}', src, re.S).group(1)
variants = re.findall(
    r'\n        (\w+)\(\s*(?:::prost::alloc::boxed::Box<)?super::(\w+)>?,?\s*\)', node_enum
)


def base(t):
    t = (t.replace('::core::option::Option<', 'Option<')
         .replace('::prost::alloc::boxed::Box<', 'Box<')
         .replace('::prost::alloc::vec::Vec<', 'Vec<'))
    while True:
        m = re.fullmatch(r'(Option|Box|Vec)<(.*)>', t)
        if not m:
            return t
        t = m.group(2)


has_nodes = {n: False for n in structs}
changed = True
while changed:
    changed = False
    for n, fields in structs.items():
        if not has_nodes[n] and any(
            base(t) == 'Node' or has_nodes.get(base(t), False) for _, t in fields
        ):
            has_nodes[n] = changed = True

for n in sorted(structs):
    if not has_nodes[n] or n in ('ParseResult', 'ScanResult', 'Node'):
        continue
    plain = [f for f, t in structs[n]
             if f != 'type_name' and (base(t) == 'Node' or has_nodes.get(base(t), False))]
    type_name = [f for f, _ in structs[n] if f == 'type_name']
    print(f'    {n}: [{", ".join(plain)}] [{", ".join(type_name)}];')
print()
print('walk:', ', '.join(v for v, s in variants if has_nodes.get(s, False)))
print('leaf:', ', '.join(v for v, s in variants if not has_nodes.get(s, False)))
