import type { ReactNode } from "react";
import styles from "./admin.module.css";

export interface AdminColumn<T> {
  /** Unique within the table (React's key for the column's cells). */
  name: string;
  /** The header cell; a table whose columns have none has no header row. */
  header?: ReactNode;
  cell: (row: T) => ReactNode;
  /** Ids, codes and raw values: set in monospace. */
  mono?: boolean;
}

/**
 * The console's tables: an optional caption, a header row, a row per item and, when there is none
 * and `empty` is given, one full-width row that says so.
 */
export function AdminTable<T>(props: {
  rows: readonly T[];
  columns: readonly AdminColumn<T>[];
  rowKey: (row: T) => string;
  caption?: ReactNode;
  empty?: ReactNode;
  testId?: string;
  rowAttributes?: (row: T) => Record<`data-${string}`, string>;
}) {
  const { rows, columns, rowKey, caption, empty, testId, rowAttributes } = props;
  return (
    <table className={styles.table} data-testid={testId}>
      {caption === undefined ? null : <caption>{caption}</caption>}
      {columns.some((c) => c.header !== undefined) ? (
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.name} scope="col">
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
      ) : null}
      <tbody>
        {rows.length === 0 && empty !== undefined ? (
          <tr>
            <td colSpan={columns.length}>{empty}</td>
          </tr>
        ) : null}
        {rows.map((row) => (
          <tr key={rowKey(row)} {...rowAttributes?.(row)}>
            {columns.map((c) => (
              <td key={c.name} className={c.mono ? styles.mono : undefined}>
                {c.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
