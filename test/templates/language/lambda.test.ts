/** Lambda functions, with the examples of Azure's "Lambda functions for ARM templates" page. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ev } from './scope.js';

const dogs = [
  { name: 'Evie', age: 5, interests: ['Ball', 'Frisbee'] },
  { name: 'Casper', age: 3, interests: ['Other dogs'] },
  { name: 'Indy', age: 2, interests: ['Butter'] },
  { name: 'Kira', age: 8, interests: ['Rubs'] },
];
const variables = { dogs, ages: "[map(variables('dogs'), lambda('dog', lambdaVariables('dog').age))]" };

describe('lambda functions', () => {
  const rows: [string, unknown][] = [
    ["[filter(variables('dogs'), lambda('dog', greaterOrEquals(lambdaVariables('dog').age, 5)))]", [dogs[0], dogs[3]]],
    ["[filter(range(0, 10), lambda('i', greater(lambdaVariables('i'), 5)))]", [6, 7, 8, 9]],
    ["[filter(range(0, 10), lambda('i', equals(0, mod(lambdaVariables('i'), 2))))]", [0, 2, 4, 6, 8]],
    ["[map(variables('dogs'), lambda('dog', lambdaVariables('dog').name))]", ['Evie', 'Casper', 'Indy', 'Kira']],
    ["[map(variables('dogs'), lambda('dog', format('Hello {0}!', lambdaVariables('dog').name)))]", ['Hello Evie!', 'Hello Casper!', 'Hello Indy!', 'Hello Kira!']],
    [
      "[map(range(0, length(variables('dogs'))), lambda('i', createObject('i', lambdaVariables('i'), 'dog', variables('dogs')[lambdaVariables('i')].name, 'greeting', format('Ahoy, {0}!', variables('dogs')[lambdaVariables('i')].name))))]",
      [
        { i: 0, dog: 'Evie', greeting: 'Ahoy, Evie!' },
        { i: 1, dog: 'Casper', greeting: 'Ahoy, Casper!' },
        { i: 2, dog: 'Indy', greeting: 'Ahoy, Indy!' },
        { i: 3, dog: 'Kira', greeting: 'Ahoy, Kira!' },
      ],
    ],
    ["[reduce(variables('ages'), 0, lambda('cur', 'next', add(lambdaVariables('cur'), lambdaVariables('next'))))]", 18],
    ["[reduce(variables('ages'), 1, lambda('cur', 'next', add(lambdaVariables('cur'), lambdaVariables('next'))))]", 19],
    [
      "[reduce(createArray(createObject('foo', 123), createObject('bar', 456), createObject('baz', 789)), createObject(), lambda('cur', 'next', union(lambdaVariables('cur'), lambdaVariables('next'))))]",
      { foo: 123, bar: 456, baz: 789 },
    ],
    ["[sort(variables('dogs'), lambda('a', 'b', less(lambdaVariables('a').age, lambdaVariables('b').age)))]", [dogs[2], dogs[1], dogs[0], dogs[3]]],
    ["[toObject(variables('dogs'), lambda('entry', lambdaVariables('entry').name))]", Object.fromEntries(dogs.map((d) => [d.name, d]))],
    ["[toObject(variables('dogs'), lambda('entry', lambdaVariables('entry').name), lambda('entry', lambdaVariables('entry').age))]", { Evie: 5, Casper: 3, Indy: 2, Kira: 8 }],
    ["[map(createArray('a', 'b'), lambda('x', 'i', concat(lambdaVariables('x'), string(lambdaVariables('i')))))]", ['a0', 'b1']],
    ["[map(createArray(1, 2), lambda('x', map(createArray(10, 20), lambda('y', add(lambdaVariables('x'), lambdaVariables('y'))))))]", [[11, 21], [12, 22]]],
    ["[groupBy(createArray('apple', 'avocado', 'banana'), lambda('x', first(lambdaVariables('x'))))]", { a: ['apple', 'avocado'], b: ['banana'] }],
    ["[mapValues(createObject('a', 1, 'b', 2), lambda('v', mul(lambdaVariables('v'), 10)))]", { a: 10, b: 20 }],
    ["[flatten(createArray(createArray(1, 2), createArray(3)))]", [1, 2, 3]],
  ];
  for (const [expression, expected] of rows) test(expression, async () => assert.deepEqual(await ev(expression, { variables }), expected));

  test('a lambda is only a function argument', async () => {
    await assert.rejects(ev("[lambda('x', 1)]"), /'lambda' can only be used as a parameter/);
    await assert.rejects(ev("[map(createArray(1), 1)]"), /expects its second parameter to be a lambda function/);
    await assert.rejects(ev("[lambdaVariables('x')]"), /the lambda variable 'x' is not defined/);
  });
});

describe('date functions', () => {
  const rows: [string, unknown][] = [
    ["[dateTimeAdd('2020-04-07 14:53:14Z', 'P3Y')]", '2023-04-07T14:53:14Z'],
    ["[dateTimeAdd('2020-04-07 14:53:14Z', '-P9D')]", '2020-03-29T14:53:14Z'],
    ["[dateTimeAdd('2020-04-07 14:53:14Z', 'PT1H')]", '2020-04-07T15:53:14Z'],
    ["[dateTimeAdd('2020-04-07T14:53:14Z', 'P1M', 'yyyy-MM-dd')]", '2020-05-07'],
    ["[dateTimeToEpoch('2023-05-02T15:16:13Z')]", 1683040573],
    ['[dateTimeFromEpoch(1683040573)]', '2023-05-02T15:16:13Z'],
  ];
  for (const [expression, expected] of rows) test(expression, async () => assert.equal(await ev(expression), expected));
});
