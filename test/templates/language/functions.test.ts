/**
 * The function table: each function with the examples (inputs and outputs) from Azure's "ARM template functions"
 * pages (learn.microsoft.com, templates/template-functions-*; sample templates in Azure/azure-docs-json-samples).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ev, SUB, type TestScopeOptions } from './scope.js';

type Row = [expression: string, expected: unknown, options?: TestScopeOptions];

function table(name: string, rows: Row[]): void {
  describe(name, () => {
    for (const [expression, expected, options] of rows) {
      test(expression, async () => {
        assert.deepEqual(await ev(expression, options), expected);
      });
    }
  });
}

const containsParams = { stringToTest: 'OneTwoThree', objectToTest: { one: 'a', two: 'b', three: 'c' }, arrayToTest: ['one', 'two', 'three'] };
const lengthParams = {
  arrayToTest: ['one', 'two', 'three'],
  stringToTest: 'One Two Three',
  objectToTest: { propA: 'one', propB: 'two', propC: 'three', propD: { 'propD-1': 'sub', 'propD-2': 'sub' } },
};

table('string functions', [
  ["[base64('one, two, three')]", 'b25lLCB0d28sIHRocmVl'],
  ["[base64ToString('b25lLCB0d28sIHRocmVl')]", 'one, two, three'],
  // Azure's example: single-quoted JSON is accepted (Newtonsoft).
  ["[base64ToJson(base64('{''one'': ''a'', ''two'': ''b''}'))]", { one: 'a', two: 'b' }],
  ["[concat(parameters('prefix'), '-', 'x')]", 'prefix-x', { parameters: { prefix: 'prefix' } }],
  ["[concat('storage', 1, true())]", 'storage1True'],
  ["[contains(parameters('stringToTest'), 'e')]", true, { parameters: containsParams }],
  ["[contains(parameters('stringToTest'), 'z')]", false, { parameters: containsParams }],
  ["[contains('OneTwoThree', 'one')]", false],
  ["[dataUri('Hello')]", 'data:text/plain;charset=utf8;base64,SGVsbG8='],
  ["[dataUriToString('data:;base64,SGVsbG8sIFdvcmxkIQ==')]", 'Hello, World!'],
  ["[empty('')]", true],
  ["[startsWith('abcdef', 'ab')]", true],
  ["[startsWith('abcdef', 'A')]", true],
  ["[startsWith('abcdef', 'e')]", false],
  ["[endsWith('abcdef', 'ef')]", true],
  ["[endsWith('abcdef', 'F')]", true],
  ["[endsWith('abcdef', 'e')]", false],
  ["[first('One Two Three')]", 'O'],
  ["[last('One Two Three')]", 'e'],
  ["[format('{0}, {1}. Formatted number: {2:N0}', 'Hello', 'User', 8175133)]", 'Hello, User. Formatted number: 8,175,133'],
  ["[format('{0:N2}|{0:D6}|{0:X}|{1,5}|{1,-5}|{{{2}}}', 255, 'ab', true())]", '255.00|000255|FF|   ab|ab   |{True}'],
  ["[format('{0:000.0}', 3)]", '003.0'],
  ["[indexOf('test', 't')]", 0],
  ["[lastIndexOf('test', 't')]", 3],
  ["[indexOf('abcdef', 'CD')]", 2],
  ["[lastIndexOf('abcdef', 'AB')]", 0],
  ["[indexOf('abcdef', 'z')]", -1],
  ["[join(createArray('one', 'two', 'three'), ',')]", 'one,two,three'],
  ["[join(createArray('one', 'two', 'three'), ';')]", 'one;two;three'],
  ["[length('One Two Three')]", 13],
  ["[padLeft('123', 10, '0')]", '0000000123'],
  ["[padLeft(7, 3)]", '  7'],
  ["[padLeft('12345', 3, '0')]", '12345'],
  ["[replace('123-123-1234', '-', '')]", '1231231234'],
  ["[replace('123-123-1234', '1234', 'xxxx')]", '123-123-xxxx'],
  ["[skip('one two three', 4)]", 'two three'],
  ["[split('one,two,three', ',')]", ['one', 'two', 'three']],
  ["[split('one;two,three', createArray(',', ';'))]", ['one', 'two', 'three']],
  ["[split('a,,b', ',')]", ['a', '', 'b']],
  ["[string(parameters('testObject'))]", '{"valueA":10,"valueB":"Example Text"}', { parameters: { testObject: { valueA: 10, valueB: 'Example Text' } } }],
  ["[string(createArray('a', 'b', 'c'))]", '["a","b","c"]'],
  ["[string(5)]", '5'],
  ["[string(true())]", 'True'],
  ["[substring('one two three', 4, 3)]", 'two'],
  ["[substring('one two three', 4)]", 'two three'],
  ["[take('one two three', 2)]", 'on'],
  ["[toLower('One Two Three')]", 'one two three'],
  ["[toUpper('One Two Three')]", 'ONE TWO THREE'],
  ["[trim('    one two three   ')]", 'one two three'],
  ["[uri('http://contoso.com/resources/', 'nested/azuredeploy.json')]", 'http://contoso.com/resources/nested/azuredeploy.json'],
  ["[uri('http://contoso.org/firstpath', 'myscript.sh')]", 'http://contoso.org/myscript.sh'],
  ["[uri('http://contoso.org/firstpath/azuredeploy.json', 'myscript.sh')]", 'http://contoso.org/firstpath/myscript.sh'],
  ["[uriComponent('http://contoso.com/resources/nested/azuredeploy.json')]", 'http%3A%2F%2Fcontoso.com%2Fresources%2Fnested%2Fazuredeploy.json'],
  ["[uriComponent('a b!*')]", 'a%20b%21%2A'],
  ["[uriComponentToString('http%3A%2F%2Fcontoso.com%2Fresources%2Fnested%2Fazuredeploy.json')]", 'http://contoso.com/resources/nested/azuredeploy.json'],
]);

table('array functions', [
  ["[array(1)]", [1]],
  ["[array('efgh')]", ['efgh']],
  ["[array(parameters('o'))]", [{ a: 'b', c: 'd' }], { parameters: { o: { a: 'b', c: 'd' } } }],
  ["[array(createArray(1))]", [1]],
  ["[concat(createArray('1-1', '1-2', '1-3'), createArray('2-1', '2-2', '2-3'))]", ['1-1', '1-2', '1-3', '2-1', '2-2', '2-3']],
  ["[contains(parameters('arrayToTest'), 'three')]", true, { parameters: containsParams }],
  ["[contains(parameters('arrayToTest'), 'four')]", false, { parameters: containsParams }],
  ["[createArray('a', 'b', 'c')]", ['a', 'b', 'c']],
  ["[createArray(1, 2, 3)]", [1, 2, 3]],
  ["[createArray(parameters('arrayToTest'))]", [['one', 'two', 'three']], { parameters: containsParams }],
  ["[createArray()]", []],
  ["[empty(createArray())]", true],
  ["[first(parameters('arrayToTest'))]", 'one', { parameters: containsParams }],
  ["[last(parameters('arrayToTest'))]", 'three', { parameters: containsParams }],
  ["[indexOf(createArray('a', 'b', createArray(1)), createArray(1))]", 2],
  ["[lastIndexOf(createArray(1, 2, 1), 1)]", 2],
  ["[intersection(createArray('one', 'two', 'three'), createArray('two', 'three'))]", ['two', 'three']],
  ["[length(parameters('arrayToTest'))]", 3, { parameters: lengthParams }],
  ["[length(parameters('stringToTest'))]", 13, { parameters: lengthParams }],
  ["[length(parameters('objectToTest'))]", 4, { parameters: lengthParams }],
  ["[range(5, 3)]", [5, 6, 7]],
  ["[range(0, 0)]", []],
  ["[skip(createArray('one', 'two', 'three'), 2)]", ['three']],
  ["[skip(createArray('one'), -1)]", ['one']],
  ["[take(createArray('one', 'two', 'three'), 2)]", ['one', 'two']],
  ["[take(createArray('one'), 5)]", ['one']],
  ["[union(createArray('one', 'two', 'three'), createArray('three', 'four'))]", ['one', 'two', 'three', 'four']],
  [
    "[union(parameters('a'), parameters('b'))]",
    [['one', 'two'], ['three'], ['four', 'two']],
    { parameters: { a: [['one', 'two'], ['three']], b: [['three'], ['four', 'two']] } },
  ],
]);

table('object functions', [
  ["[contains(parameters('objectToTest'), 'one')]", true, { parameters: containsParams }],
  ["[contains(parameters('objectToTest'), 'ONE')]", true, { parameters: containsParams }],
  ["[contains(parameters('objectToTest'), 'a')]", false, { parameters: containsParams }],
  [
    "[createObject('intProp', 1, 'stringProp', 'abc', 'boolProp', true(), 'arrayProp', createArray('a', 'b', 'c'), 'objectProp', createObject('key1', 'value1'))]",
    { intProp: 1, stringProp: 'abc', boolProp: true, arrayProp: ['a', 'b', 'c'], objectProp: { key1: 'value1' } },
  ],
  ["[empty(json('{}'))]", true],
  [
    "[intersection(parameters('a'), parameters('b'))]",
    { one: 'a', three: 'c' },
    { parameters: { a: { one: 'a', two: 'b', three: 'c' }, b: { one: 'a', two: 'z', three: 'c' } } },
  ],
  [
    "[items(parameters('entities'))]",
    [
      { key: 'item001', value: { enabled: true, displayName: 'Example item 1', number: 300 } },
      { key: 'item002', value: { enabled: false, displayName: 'Example item 2', number: 200 } },
    ],
    {
      parameters: {
        entities: { item002: { enabled: false, displayName: 'Example item 2', number: 200 }, item001: { enabled: true, displayName: 'Example item 1', number: 300 } },
      },
    },
  ],
  ["[empty(json('null'))]", true],
  ["[json('{\"a\": \"b\"}')]", { a: 'b' }],
  ["[json('\"test\"')]", 'test'],
  ["[json('true')]", true],
  ["[json('3')]", 3],
  ["[json('[1,2,3 ]')]", [1, 2, 3]],
  ["[json(concat('{\"a\": \"', 'demo value', '\"}'))]", { a: 'demo value' }],
  ["[empty(null())]", true],
  ["[objectKeys(createObject('a', 1, 'b', 2))]", ['a', 'b']],
  [
    "[union(parameters('a'), parameters('b'))]",
    { one: 'a', two: 'b', three: 'c2', four: 'd', five: 'e' },
    { parameters: { a: { one: 'a', two: 'b', three: 'c1' }, b: { three: 'c2', four: 'd', five: 'e' } } },
  ],
  // The documented deep merge: nested objects merge, nested arrays are replaced.
  [
    "[union(parameters('a'), parameters('b'))]",
    { property: { one: 'a', two: 'b', three: 'c2', four: 'd', five: 'e' }, nestedArray: [3, 4] },
    {
      parameters: {
        a: { property: { one: 'a', two: 'b', three: 'c1' }, nestedArray: [1, 2] },
        b: { property: { three: 'c2', four: 'd', five: 'e' }, nestedArray: [3, 4] },
      },
    },
  ],
  ["[tryGet(createObject('a', createObject('b', 1)), 'a', 'b')]", 1],
  ["[tryGet(createObject('a', 1), 'missing')]", null],
  ["[shallowMerge(createArray(createObject('a', 1), createObject('b', 2)))]", { a: 1, b: 2 }],
]);

const coalesceParams = { o: { null1: null, null2: null, string: 'default', int: 1, object: { first: 'default' }, array: [1] } };
table('comparison functions', [
  ["[coalesce(parameters('o').null1, parameters('o').null2, parameters('o').string)]", 'default', { parameters: coalesceParams }],
  ["[coalesce(parameters('o').null1, parameters('o').null2, parameters('o').int)]", 1, { parameters: coalesceParams }],
  ["[coalesce(parameters('o').null1, parameters('o').null2, parameters('o').object)]", { first: 'default' }, { parameters: coalesceParams }],
  ["[coalesce(parameters('o').null1, parameters('o').null2, parameters('o').array)]", [1], { parameters: coalesceParams }],
  ["[empty(coalesce(parameters('o').null1, parameters('o').null2))]", true, { parameters: coalesceParams }],
  ["[equals(1, 1)]", true],
  ["[equals('demo', 'Demo')]", false],
  ["[equals(createArray('a', 'b'), createArray('a', 'b'))]", true],
  ["[equals(createObject('a', 'b'), createObject('a', 'b'))]", true],
  ["[equals(createObject('a', 1, 'b', 2), createObject('b', 2, 'a', 1))]", true],
  ["[greater(1, 2)]", false],
  ["[greater('A', 'a')]", false],
  ["[greaterOrEquals(1, 2)]", false],
  ["[greaterOrEquals('A', 'a')]", false],
  ["[greaterOrEquals(2, 2)]", true],
  ["[less(1, 2)]", true],
  ["[less('A', 'a')]", true],
  ["[lessOrEquals(1, 2)]", true],
  ["[lessOrEquals('A', 'a')]", true],
]);

table('logical functions', [
  ["[and(bool('true'), bool('false'))]", false],
  ["[or(bool('true'), bool('false'))]", true],
  ["[not(bool('true'))]", false],
  ["[and(true(), true(), true())]", true],
  ["[bool('true')]", true],
  ["[bool('false')]", false],
  ["[bool('False')]", false],
  ["[bool(1)]", true],
  ["[bool(0)]", false],
  ["[false()]", false],
  ["[true()]", true],
  ["[if(equals('a', 'a'), 'yes', 'no')]", 'yes'],
  ["[if(equals('a', 'b'), 'yes', 'no')]", 'no'],
  ["[if(equals('a', 'a'), json('{\"test\": \"value1\"}'), json('null'))]", { test: 'value1' }],
  ["[not(equals(1, 2))]", true],
]);

table('numeric functions', [
  ["[add(5, 3)]", 8],
  ["[add(-1, -2)]", -3],
  ["[div(8, 3)]", 2],
  ["[div(-7, 2)]", -3],
  ["[div(7, -2)]", -3],
  ["[int('4')]", 4],
  ["[int('-12')]", -12],
  ["[max(parameters('a'))]", 5, { parameters: { a: [0, 3, 2, 5, 4] } }],
  ["[max(0,3,2,5,4)]", 5],
  ["[min(parameters('a'))]", 0, { parameters: { a: [0, 3, 2, 5, 4] } }],
  ["[min(0,3,2,5,4)]", 0],
  ["[mod(7, 3)]", 1],
  ["[mod(-7, 3)]", -1],
  ["[mul(mul(5, 3), 3)]", 45],
  ["[sub(7, 3)]", 4],
  ["[float('3.0')]", 3],
  ["[float('2.5')]", 2.5],
]);

table('deployment functions', [
  ["[parameters('stringParameter')]", 'option 1', { parameters: { stringParameter: 'option 1' } }],
  ["[parameters('p').a[1]]", 2, { parameters: { p: { a: [1, 2] } } }],
  ["[variables('var1')]", 'myVariable', { variables: { var1: 'myVariable' } }],
  ["[variables('var3')]", 'myVariable', { variables: { var1: 'myVariable', var3: "[ variables('var1') ]" } }],
  ["[deployment().name]", 'dep1'],
  ["[environment().name]", 'AzureCloud'],
  ["[subscription().subscriptionId]", SUB],
  ["[tenant().countryCode]", 'US'],
  ["[resourceGroup().location]", 'westus'],
  ["[copyIndex()]", 2, { copyIndex: { '': 2 } }],
  ["[copyIndex(1)]", 3, { copyIndex: { '': 2 } }],
  ["[copyIndex('loop')]", 4, { copyIndex: { loop: 4 } }],
  ["[copyIndex('loop', 10)]", 14, { copyIndex: { loop: 4 } }],
  ["[concat('storage', copyIndex(1))]", 'storage1', { copyIndex: { '': 0 } }],
]);

describe('function names', () => {
  test('are case-insensitive', async () => {
    assert.equal(await ev("[TOLOWER('AbC')]"), 'abc');
    assert.equal(await ev("[ToLower(CONCAT('A', 'B'))]"), 'ab');
  });
});
