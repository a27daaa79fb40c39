import { makeStyles, mergeClasses, Table, TableBody, TableHeader, TableHeaderCell, TableRow, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';

const useStyles = makeStyles({
  wrap: { overflowX: 'auto', backgroundColor: tokens.colorNeutralBackground1 },
});

/** A column heading; `className` hides a column on narrow windows, for instance. */
export type Column = string | { label: string; className?: string };

/**
 * The portal's read-only table: scrolls sideways on a narrow window, small rows, named for screen readers by
 * `label`, with plain column headings. The rows (`<TableRow>`s) are the children.
 */
export function ListTable({ label, columns, className, children }: { label: string; columns: Column[]; className?: string; children: ReactNode }) {
  const styles = useStyles();
  return (
    <div className={mergeClasses(styles.wrap, className)}>
      <Table aria-label={label} size="small">
        <TableHeader>
          <TableRow>
            {columns.map((c) => {
              const { label: text, className: cell } = typeof c === 'string' ? { label: c, className: undefined } : c;
              return (
                <TableHeaderCell key={text} className={cell}>
                  {text}
                </TableHeaderCell>
              );
            })}
          </TableRow>
        </TableHeader>
        <TableBody>{children}</TableBody>
      </Table>
    </div>
  );
}
