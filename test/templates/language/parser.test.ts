import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  evaluateValue,
  isExpression,
  parseExpression,
  referenceCalls,
  referencedFunctions,
  validateExpression,
} from '../../../src/templates/language/index.js';
import { ev, testScope } from './scope.js';

describe('isExpression and the [[ escape', () => {
  test('classifies template strings as ARM does', () => {
    assert.equal(isExpression("[parameters('a')]"), true);
    assert.equal(isExpression('[[not an expression]'), false);
    assert.equal(isExpression('[no closing bracket'), false);
    assert.equal(isExpression('plain'), false);
    assert.equal(isExpression(' [leading space]'), false);
    assert.equal(isExpression('['), false);
  });

  test('evaluateString: [[ loses one [, other strings are unchanged', async () => {
    assert.equal(await ev("[[variables('x')]"), "[variables('x')]");
    assert.equal(await ev('[[1,2,3 ]'), '[1,2,3 ]');
    assert.equal(await ev('just text'), 'just text');
    assert.equal(await ev('[[not closed'), '[[not closed');
    assert.equal(await ev(''), '');
  });
});

describe('parser', () => {
  test('string literals with doubled quotes', async () => {
    assert.equal(await ev("['it''s']"), "it's");
    assert.equal(await ev("[concat('''', 'a', '''')]"), "'a'");
    assert.equal(await ev("['']"), '');
    assert.equal(await ev("['a]b']"), 'a]b');
  });

  test('integers, negative integers, whitespace', async () => {
    assert.equal(await ev('[add( -1 ,  3 )]'), 2);
    assert.equal(await ev('[ 42 ]'), 42);
    assert.deepEqual(parseExpression('[sub(0, -5)]'), {
      kind: 'call',
      name: 'sub',
      args: [
        { kind: 'number', value: 0 },
        { kind: 'number', value: -5 },
      ],
    });
  });

  test('nested calls and property/index chains', async () => {
    const parameters = { obj: { list: [{ name: 'first' }, { name: 'second', 'odd-key': 7 }] } };
    assert.equal(await ev("[parameters('obj').list[1].name]", { parameters }), 'second');
    assert.equal(await ev("[parameters('obj')['list'][1]['odd-key']]", { parameters }), 7);
    assert.equal(await ev("[toUpper(parameters('obj').list[add(0, 1)].name)]", { parameters }), 'SECOND');
    assert.equal(await ev("[createArray(createArray(1, 2), 3)[0][1]]"), 2);
    assert.equal(await ev("[json('{\"a\":{\"b\":[10,20]}}').a.b[1]]"), 20);
    assert.deepEqual(parseExpression("[a(b('x')).p[0]]"), {
      kind: 'index',
      target: { kind: 'property', target: { kind: 'call', name: 'a', args: [{ kind: 'call', name: 'b', args: [{ kind: 'string', value: 'x' }] }] }, name: 'p' },
      index: { kind: 'number', value: 0 },
    });
  });

  test('namespaced user function calls', () => {
    assert.deepEqual(parseExpression("[contoso.uniqueName('a')]"), { kind: 'call', namespace: 'contoso', name: 'uniqueName', args: [{ kind: 'string', value: 'a' }] });
  });

  test('accepts the inner text without brackets too', () => {
    assert.deepEqual(parseExpression("concat('a')"), parseExpression("[concat('a')]"));
  });

  test('syntax errors are TemplateErrors naming the expression and location', () => {
    const cases: [string, RegExp][] = [
      ["[concat('a']", /Unable to parse language expression '\[concat\('a'\]'.*expected token 'RightParenthesis' and actual 'EndOfData'/],
      ["[concat('a)]", /the string literal starting at position '7' is not terminated/],
      ['[concat(1 2)]', /expected token 'RightParenthesis' and actual 'Integer'/],
      ['[foo]', /expected token 'LeftParenthesis' and actual 'EndOfData'/],
      ["[concat('a'))]", /expected token 'EndOfData' and actual 'RightParenthesis'/],
      ['[]', /the expression is empty/],
      ['[1.5]', /the string character '\.' at position '1' is not expected/],
      ['[concat(#)]', /the string character '#' at position '7' is not expected/],
    ];
    for (const [text, re] of cases) {
      assert.throws(
        () => parseExpression(text, 'variables.v'),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, 'InvalidTemplate');
          assert.match(e.message, re);
          assert.match(e.message, /at location 'variables\.v'/);
          return true;
        },
        text,
      );
    }
  });
});

describe('evaluateValue', () => {
  test('walks objects and arrays, evaluating values and property names', async () => {
    const scope = testScope({ parameters: { name: 'id1', tagName: 'env' } });
    const value = {
      name: "[parameters('name')]",
      "[parameters('tagName')]": 'prod',
      list: ["[concat('a', 'b')]", 1, true, null, { nested: '[[escaped]' }],
      plain: 'text',
    };
    assert.deepEqual(await evaluateValue(value, scope), {
      name: 'id1',
      env: 'prod',
      list: ['ab', 1, true, null, { nested: '[escaped]' }],
      plain: 'text',
    });
  });

  test('does not re-evaluate strings produced by an expression', async () => {
    assert.equal(await ev("['[notAFunction()]']"), '[notAFunction()]');
  });
});

describe('static analysis', () => {
  test('referencedFunctions lists each function once, lower-cased', () => {
    const node = parseExpression("[concat(reference(resourceId('T/t', 'a')).x, Reference('b').y, ns.f())]");
    assert.deepEqual(referencedFunctions(node).sort(), ['concat', 'ns.f', 'reference', 'resourceid']);
  });

  test('referenceCalls finds reference() and list*() targets, in both if() branches', () => {
    const node = parseExpression("[if(true(), reference(resourceId('Microsoft.X/y', 'a')).p, listKeys(variables('id'), '2020-01-01').keys)]");
    const calls = referenceCalls(node);
    assert.deepEqual(
      calls.map((c) => c.function),
      ['reference', 'listKeys'],
    );
    assert.deepEqual(calls[1].target, { kind: 'call', name: 'variables', args: [{ kind: 'string', value: 'id' }] });
  });

  test('validateExpression refuses unknown functions, wrong argument counts and misplaced utcNow', () => {
    assert.throws(() => validateExpression("[foo('a')]", 'outputs.o'), /The template function 'foo' is not valid\. Please see https:\/\/aka\.ms\/arm-functions for usage details\./);
    assert.throws(() => validateExpression("[toLower('a', 'b')]"), /The template language function 'toLower' expects exactly '1' parameter\(s\)/);
    assert.throws(() => validateExpression('[utcNow()]'), /'utcNow' is not expected at this location/);
    assert.doesNotThrow(() => validateExpression('[utcNow()]', '', { inParameterDefault: true }));
    assert.throws(() => validateExpression('[ns.f()]', '', { userFunctionExists: () => false }), /The template function 'ns.f' is not valid/);
    assert.doesNotThrow(() => validateExpression("[listWhatever('id', 'v')]"));
  });
});
