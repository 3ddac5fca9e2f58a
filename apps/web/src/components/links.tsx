import { Anchor, type AnchorProps } from '@mantine/core';
import { createLink } from '@tanstack/react-router';
import type { ComponentPropsWithRef } from 'react';

function MantineAnchor(props: AnchorProps & ComponentPropsWithRef<'a'>) {
  return <Anchor component="a" {...props} />;
}

/** A Mantine Anchor that is a type-checked router link (`to`, `params`, `search`). */
export const AnchorLink = createLink(MantineAnchor);
