import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ExpressionError, TemplateError } from '../../../src/templates/language/index.js';
import { ev } from './scope.js';

/** Evaluates and returns the error's inner reason, after checking the outer InvalidTemplate shape. */
async function reason(expression: string, options = {}): Promise<string> {
  try {
    await ev(expression, options);
  } catch (e) {
    assert.ok(e instanceof ExpressionError, `expected an ExpressionError, got ${String(e)}`);
    assert.ok(e instanceof TemplateError);
    assert.equal(e.code, 'InvalidTemplate');
    assert.equal(e.expression, expression);
    assert.equal(e.location, 'outputs.test.value');
    assert.equal(e.target, 'outputs.test.value');
    assert.ok(e.message.startsWith(`Deployment template validation failed: 'The template language expression '${expression}' at location 'outputs.test.value' is not valid: `));
    assert.ok(e.message.includes(e.reason));
    return e.reason;
  }
  throw new Error(`${expression} did not fail`);
}

describe('error messages', () => {
  test('unknown function', async () => {
    assert.equal(await reason("[foo('a')]"), "The template function 'foo' is not valid. Please see https://aka.ms/arm-functions for usage details.");
  });

  test('argument counts', async () => {
    assert.match(await reason("[toLower('a', 'b')]"), /^The template language function 'toLower' expects exactly '1' parameter\(s\)\./);
    assert.match(await reason('[concat()]'), /expects at least '1' parameter\(s\)/);
    assert.match(await reason("[substring('a')]"), /expects between '2' and '3' parameter\(s\)/);
  });

  test('argument types', async () => {
    assert.equal(
      await reason('[toLower(1)]'),
      "The template language function 'toLower' expects its parameter to be of type 'String'. The provided value is of type 'Integer'. Please see https://aka.ms/arm-functions for usage details.",
    );
    assert.match(await reason("[substring('abc', '1')]"), /'substring' expects its second parameter to be of type 'Integer'. The provided value is of type 'String'/);
    assert.match(await reason("[length(1)]"), /expects its parameter to be of type 'Array' or 'String' or 'Object'/);
    assert.match(await reason("[less(1, 'a')]"), /expects two parameters of matching types. The provided values are of types 'Integer' and 'String'/);
    assert.match(await reason("[concat('a', createArray('b'))]"), /Either all or none of the parameters must be an array/);
    assert.match(await reason("[if('yes', 1, 2)]"), /'if' expects its first parameter to be of type 'Boolean'/);
  });

  test('property and index access', async () => {
    const parameters = { o: { a: 1, b: 2 }, list: [1, 2, 3] };
    assert.equal(await reason("[parameters('o').x]", { parameters }), "The language expression property 'x' doesn't exist, available properties are 'a, b'.");
    assert.equal(await reason("[parameters('list')[3]]", { parameters }), "The language expression property array index '3' is out of bounds.");
    assert.equal(await reason("[parameters('list')[-1]]", { parameters }), "The language expression property array index '-1' is out of bounds.");
    assert.match(await reason("[parameters('list').x]", { parameters }), /property 'x' can't be evaluated on a value of type 'Array'/);
    assert.match(await reason("[parameters('list')['x']]", { parameters }), /array index must be of type 'Integer'/);
  });

  test('arithmetic and ranges', async () => {
    assert.match(await reason('[div(1, 0)]'), /Attempted to divide by zero/);
    assert.match(await reason('[mod(1, 0)]'), /Attempted to divide by zero/);
    assert.match(await reason("[int('x1')]"), /cannot convert the string 'x1' to an integer/);
    assert.match(
      await reason("[substring('1234567890', 0, 11)]"),
      /The index and length parameters must refer to a location within the string. The index parameter: '0', the length parameter: '11', the length of the string parameter: '10'\./,
    );
    assert.match(await reason('[range(0, 10001)]'), /not greater than '10000'/);
    assert.match(await reason("[format('{1}', 'a')]"), /Index \(zero based\) must be greater than or equal to zero/);
    assert.match(await reason("[createObject('a')]"), /even number of parameters/);
    assert.match(await reason("[bool('yes')]"), /is not a valid boolean/);
  });

  test('errors from the scope pass through unchanged', async () => {
    await assert.rejects(ev("[parameters('missing')]"), (e: Error) => {
      assert.ok(e instanceof TemplateError && !(e instanceof ExpressionError));
      assert.equal(e.message, "The template parameter 'missing' is not found.");
      return true;
    });
  });
});
