#!/usr/bin/python3
"""The checks of tests/e2e/notebooks.py on made-up cells (no kernel): run by tests/e2e/notebooks.sh
before the notebooks, or alone with `/usr/bin/python3 tests/e2e/notebooks_test.py`."""
import os
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ left in tests/e2e
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import notebooks  # noqa: E402

TABLE = (
    '<table><thead><tr><th style="padding:2px">binary</th><th>host</th><th>status</th><th>state</th></tr></thead>'
    '<tbody><tr><td style="padding:2px 8px">nova-compute</td><td>compute1</td><td>enabled</td><td>down</td></tr>'
    '<tr><td>nova-compute</td><td>compute2</td><td>enabled</td><td>up</td></tr></tbody></table>'
)


def cell(expect, outputs, source='services()'):
    return {'cell_type': 'code', 'source': source, 'metadata': {} if expect is None else {'stacksim': expect}, 'outputs': outputs}


def html(text):
    return {'output_type': 'display_data', 'data': {'text/html': text}, 'metadata': {}}


def stream(text, name='stdout'):
    return {'output_type': 'stream', 'name': name, 'text': text}


class Expectations(unittest.TestCase):
    def test_a_code_cell_without_expectations_fails(self):
        self.assertIn('no expectations', notebooks.expectation_problems(cell(None, []))[0])
        self.assertIn('no expectations', notebooks.expectation_problems(cell({'absent': ['x']}, []))[0])
        self.assertEqual(notebooks.expectation_problems(cell(None, [], source='  \n')), [])
        self.assertEqual(notebooks.expectation_problems(cell({'text': ['x']}, [])), [])

    def test_a_misspelt_key_or_a_bad_value_fails(self):
        self.assertIn('unknown key(s) txt', notebooks.expectation_problems(cell({'txt': ['x'], 'text': ['y']}, []))[0])
        self.assertIn('stacksim.text must be', notebooks.expectation_problems(cell({'text': 'x'}, []))[0])
        self.assertIn('stacksim.rows must be', notebooks.expectation_problems(cell({'rows': ['x']}, []))[0])

    def test_rows_match_cells_in_order_whatever_the_styles(self):
        outputs = [html(TABLE)]
        self.assertEqual(notebooks.check_cell(cell({'rows': [['compute1', 'enabled', 'down']]}, outputs), None), [])
        self.assertEqual(notebooks.check_cell(cell({'rows': [['compute1', 'down']]}, outputs), None), [])
        self.assertEqual(notebooks.check_cell(cell({'text': ['| compute1 | enabled | down |']}, outputs), None), [])
        # the right cells on different rows, in another order, or only part of a cell: no match
        self.assertEqual(len(notebooks.check_cell(cell({'rows': [['compute1', 'up']]}, outputs), None)), 1)
        self.assertEqual(len(notebooks.check_cell(cell({'rows': [['down', 'compute1']]}, outputs), None)), 1)
        self.assertEqual(len(notebooks.check_cell(cell({'rows': [['compute', 'down']]}, outputs), None)), 1)
        self.assertEqual(len(notebooks.check_cell(cell({'absent': ['| compute2 | enabled | up |'], 'text': ['x']}, outputs + [stream('x')]), None)), 1)

    def test_errors_and_stderr_fail_whatever_the_expectations(self):
        problems = notebooks.check_cell(cell({'text': ['ok']}, [stream('ok'), stream('oops', 'stderr')]), None)
        self.assertEqual(problems, ['stderr: oops'])
        problems = notebooks.check_cell(cell({'mime': ['image/svg+xml']}, [html('<p>no picture</p>')]), None)
        self.assertEqual(problems, ['no image/svg+xml output (had: text/html)'])


class Kernels(unittest.TestCase):
    def test_both_kernels_and_no_other(self):
        nb = lambda name: notebooks.nbformat.from_dict({'metadata': {'kernelspec': {'name': name}}, 'cells': [], 'nbformat': 4, 'nbformat_minor': 5})
        self.assertIsNone(notebooks.kernel_problem([nb('deno'), nb('tslab'), nb('deno')]))
        self.assertIn('not deno, tslab', notebooks.kernel_problem([nb('deno'), nb('deno')]))
        self.assertIn('python3', notebooks.kernel_problem([nb('deno'), nb('tslab'), nb('python3')]))


if __name__ == '__main__':
    unittest.main()
