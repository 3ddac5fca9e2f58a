import { queryOptions } from '@tanstack/react-query';
import * as api from '../api';

export const meQuery = queryOptions({ queryKey: ['me'], queryFn: () => api.getMe(), staleTime: 5 * 60_000 });

export const personQuery = (id: string) =>
  queryOptions({ queryKey: ['person', id], queryFn: ({ signal }) => api.getPerson(id, signal) });

export const areaQuery = (code: string) =>
  queryOptions({ queryKey: ['area', code], queryFn: ({ signal }) => api.getArea(code, signal), staleTime: 30 * 60_000 });

export const provincesQuery = queryOptions({
  queryKey: ['areas', 'provinces'],
  queryFn: ({ signal }) => api.searchAreas({ kind: 'province', limit: 100 }, signal),
  staleTime: 30 * 60_000,
});
