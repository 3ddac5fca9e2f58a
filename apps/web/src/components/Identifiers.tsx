import { Badge, Group, Text } from '@mantine/core';
import type { Identifier } from '../api';
import { useLabels } from '../lib/labels';

/** "CCCD 001090000123" chips; compact for tables. */
export function Identifiers({ items, empty = '—' }: { items: Identifier[]; empty?: string }) {
  const labels = useLabels();
  if (!items.length) return <Text size="sm" c="dimmed">{empty}</Text>;
  return (
    <Group gap={4}>
      {items.map((id) => (
        <Badge key={`${id.kind}:${id.value}`} variant="light" color="teal" radius="sm" tt="none" fw={500} size="md">
          <span style={{ opacity: 0.75 }}>{labels.idKind(id.kind)}</span> <span className="sen-mono">{id.value}</span>
        </Badge>
      ))}
    </Group>
  );
}
