#!/usr/bin/python3
"""Regenerates listing_golden.json by running Swift's own listing code on random inputs.

Needs Swift's sources (Debian bookworm: `apt-get install python3-swift`, Swift 2.30 = Zed).
Run from this folder: `/usr/bin/python3 make_listing_golden.py`. Not part of `npm test`.

Each case is a set of names and a query; the answer is what `ContainerBroker.list_objects_iter`
(container listings) or `AccountBroker.list_containers_iter` (account listings) returns on an
in-memory database holding those names: `{"name": …}` rows and `{"subdir": …}` pseudo-folders.
"""
import json
import random

from swift.account.backend import AccountBroker
from swift.common.utils import Timestamp
from swift.container.backend import ContainerBroker

OBJECT_ALPHABET = 'ab-./'
CONTAINER_ALPHABET = 'ab-.'


def word(rng, alphabet, low, high):
    return ''.join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))


def query(rng, alphabet, delimiters):
    q = {}
    if rng.random() < 0.5:
        q['prefix'] = word(rng, alphabet, 0, 3)
    if rng.random() < 0.6:
        q['delimiter'] = rng.choice(delimiters)
    if rng.random() < 0.4:
        q['marker'] = word(rng, alphabet, 0, 4)
    if rng.random() < 0.4:
        q['end_marker'] = word(rng, alphabet, 0, 4)
    if rng.random() < 0.7:
        q['limit'] = rng.randint(0, 12)
    if rng.random() < 0.5:
        q['reverse'] = True
    return q


def container_case(rng):
    names = sorted({word(rng, OBJECT_ALPHABET, 1, 5) for _ in range(rng.randint(0, 25))})
    q = query(rng, OBJECT_ALPHABET, ['/', '-', '.'])
    b = ContainerBroker(':memory:', account='a', container='c')
    b.initialize(Timestamp(1).internal, 0)
    for n in names:
        b.put_object(n, Timestamp(2).internal, 0, 'text/plain', 'd41d8cd98f00b204e9800998ecf8427e')
    rows = b.list_objects_iter(q.get('limit', 10000), q.get('marker', ''), q.get('end_marker', ''),
                               q.get('prefix'), q.get('delimiter'), reverse=q.get('reverse', False))
    result = [{'subdir': r[0]} if r[3] is None else {'name': r[0]} for r in rows]
    return {'names': names, 'query': q, 'result': result}


def account_case(rng):
    names = sorted({word(rng, CONTAINER_ALPHABET, 1, 4) for _ in range(rng.randint(0, 20))})
    q = query(rng, CONTAINER_ALPHABET, ['-', '.', '/'])
    b = AccountBroker(':memory:', account='a')
    b.initialize(Timestamp(1).internal)
    for n in names:
        b.put_container(n, Timestamp(2).internal, 0, 0, 0, 0)
    rows = b.list_containers_iter(q.get('limit', 10000), q.get('marker', ''), q.get('end_marker', ''),
                                  q.get('prefix'), q.get('delimiter'), reverse=q.get('reverse', False))
    result = [{'subdir': r[0]} if r[4] == 1 else {'name': r[0]} for r in rows]
    return {'names': names, 'query': q, 'result': result}


def main():
    rng = random.Random(20221005)
    golden = {
        'containers': [container_case(rng) for _ in range(300)],
        'accounts': [account_case(rng) for _ in range(200)],
    }
    with open('listing_golden.json', 'w') as f:
        json.dump(golden, f, separators=(',', ':'), sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main()
