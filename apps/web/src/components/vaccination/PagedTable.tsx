import { Table, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ProblemAlert } from '../ProblemAlert';
import { PageLoader, Pager } from './common';

export interface Column {
  label: ReactNode;
  align?: 'right';
  width?: number;
}

/**
 * A page of a list the server pages by offset: loading, failure and emptiness said in place, then the table (scrolling
 * sideways on a narrow tablet) and previous/next.
 */
export function PagedTable<T>({
  query,
  columns,
  row,
  empty,
  testId,
  minWidth,
  paging,
}: {
  query: UseQueryResult<{ items: T[]; hasMore: boolean }>;
  columns: Column[];
  /** One <Table.Tr> per item. */
  row: (item: T) => ReactNode;
  empty: string;
  testId?: string;
  minWidth?: number;
  paging?: { offset: number; pageSize: number; onPage: (offset: number) => void };
}) {
  if (query.isPending) return <PageLoader />;
  if (query.isError) return <ProblemAlert error={query.error} />;
  if (query.data.items.length === 0) {
    return (
      <Text c="dimmed" size="sm" p="sm">
        {empty}
      </Text>
    );
  }
  const table = (
    <Table striped verticalSpacing="sm" data-testid={testId}>
      <Table.Thead>
        <Table.Tr>
          {columns.map((c, i) => (
            <Table.Th key={i} ta={c.align} w={c.width}>
              {c.label}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>{query.data.items.map(row)}</Table.Tbody>
    </Table>
  );
  return (
    <>
      {minWidth ? <Table.ScrollContainer minWidth={minWidth}>{table}</Table.ScrollContainer> : table}
      {paging && <Pager offset={paging.offset} count={query.data.items.length} hasMore={query.data.hasMore} pageSize={paging.pageSize} onPage={paging.onPage} />}
    </>
  );
}
