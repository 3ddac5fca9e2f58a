import 'maplibre-gl/dist/maplibre-gl.css';
import { Alert } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Map as MapLibreMap, NavigationControl, setWorkerUrl, type GeoJSONSourceSpecification, type LayerSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../../api';
import type { TraceVenue } from './checkinsApi';

// As ProvinceMap: the worker from our own origin, no basemap tiles, no glyphs; the only data is our own GeoJSON.
setWorkerUrl(workerUrl);

const VIETNAM_BOUNDS: [[number, number], [number, number]] = [
  [102.1, 8.3],
  [109.6, 23.45],
];

/** Centre of a geometry's bounding box: where a venue without coordinates is drawn (by its province). */
function centreOf(geometry: unknown): [number, number] | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const walk = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number' && typeof c[1] === 'number') {
      minX = Math.min(minX, c[0]);
      maxX = Math.max(maxX, c[0]);
      minY = Math.min(minY, c[1]);
      maxY = Math.max(maxY, c[1]);
      return;
    }
    for (const x of c) walk(x);
  };
  walk((geometry as { coordinates?: unknown } | null)?.coordinates);
  return Number.isFinite(minX) ? [(minX + maxX) / 2, (minY + maxY) / 2] : null;
}

/**
 * The venues of a trace on the province map: provinces holding a venue are shaded, and each venue is a dot at its
 * own point when it has one, else at the centre of its province.
 */
export default function TraceVenuesMap({ venues }: { venues: TraceVenue[] }) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const [initError, setInitError] = useState(false);
  const boundaries = useQuery({ queryKey: ['areas', 'boundaries', 'provinces'], queryFn: ({ signal }) => api.getProvinceBoundaries(signal), staleTime: Infinity, retry: false });

  useEffect(() => {
    const data = boundaries.data;
    if (!container.current) return;
    const provinces = new Set(venues.map((v) => v.provinceCode).filter((x): x is string => !!x));
    const centres = new Map<string, [number, number]>();
    for (const f of data?.features ?? []) {
      const c = centreOf(f.geometry);
      if (c) centres.set(String(f.properties.code), c);
    }
    const points = {
      type: 'FeatureCollection' as const,
      features: venues.flatMap((v, i) => {
        const base: [number, number] | undefined = v.longitude !== null && v.latitude !== null ? [v.longitude, v.latitude] : v.provinceCode ? centres.get(v.provinceCode) : undefined;
        if (!base) return [];
        // Venues placed by province would sit on one point: a small spiral keeps them apart.
        const jitter: [number, number] = v.longitude !== null ? [0, 0] : [0.08 * Math.cos(i * 2.4) * Math.sqrt(i), 0.08 * Math.sin(i * 2.4) * Math.sqrt(i)];
        return [{ type: 'Feature' as const, properties: { name: v.name ?? '', contacts: v.contacts }, geometry: { type: 'Point' as const, coordinates: [base[0] + jitter[0], base[1] + jitter[1]] } }];
      }),
    };
    let map: MapLibreMap;
    try {
      map = new MapLibreMap({
        container: container.current,
        style: {
          version: 8,
          sources: {
            ...(data ? { provinces: { type: 'geojson', data: data as unknown as GeoJSONSourceSpecification['data'] } } : {}),
            venues: { type: 'geojson', data: points as unknown as GeoJSONSourceSpecification['data'] },
          },
          layers: [
            { id: 'background', type: 'background', paint: { 'background-color': '#e8eff2' } },
            ...(data
              ? ([
                  { id: 'province-fill', type: 'fill', source: 'provinces', paint: { 'fill-color': ['case', ['in', ['get', 'code'], ['literal', [...provinces]]], '#e28484', '#f6e3e3'], 'fill-opacity': 0.9 } },
                  { id: 'province-line', type: 'line', source: 'provinces', paint: { 'line-color': '#7f1414', 'line-width': 0.6 } },
                ] satisfies LayerSpecification[])
              : []),
            { id: 'venue-dot', type: 'circle', source: 'venues', paint: { 'circle-radius': ['interpolate', ['linear'], ['get', 'contacts'], 0, 5, 50, 12], 'circle-color': '#9b1c1c', 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 } },
          ],
        },
        bounds: VIETNAM_BOUNDS,
        fitBoundsOptions: { padding: 16 },
        attributionControl: false,
        dragRotate: false,
        maxZoom: 12,
        minZoom: 3,
      });
    } catch {
      setInitError(true);
      return;
    }
    map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    const coords = points.features.map((f) => f.geometry.coordinates);
    if (coords.length > 0) {
      const xs = coords.map((c) => c[0]!);
      const ys = coords.map((c) => c[1]!);
      map.once('load', () =>
        map.fitBounds(
          [
            [Math.min(...xs) - 0.5, Math.min(...ys) - 0.5],
            [Math.max(...xs) + 0.5, Math.max(...ys) + 0.5],
          ],
          { padding: 32, maxZoom: 9, duration: 0 },
        ),
      );
    }
    return () => map.remove();
  }, [boundaries.data, venues]);

  if (initError) return <Alert color="gray">{t('areas.noWebgl')}</Alert>;
  return <div ref={container} className="sen-map" role="region" aria-label={t('tracing.map.title')} style={{ width: '100%', height: '100%' }} />;
}
