/** The parsed form of an ARM language expression (the text between the outer `[` and `]`). */
export type ExpressionNode = StringNode | NumberNode | CallNode | PropertyNode | IndexNode;

export interface StringNode {
  readonly kind: 'string';
  readonly value: string;
}

export interface NumberNode {
  readonly kind: 'number';
  readonly value: number;
}

/** `name(args)` or, for a user-defined function, `namespace.name(args)`. `name` keeps the template's casing. */
export interface CallNode {
  readonly kind: 'call';
  readonly name: string;
  readonly namespace?: string;
  readonly args: readonly ExpressionNode[];
}

/** `target.name` */
export interface PropertyNode {
  readonly kind: 'property';
  readonly target: ExpressionNode;
  readonly name: string;
}

/** `target[index]`: an array index or an object key. */
export interface IndexNode {
  readonly kind: 'index';
  readonly target: ExpressionNode;
  readonly index: ExpressionNode;
}
