import 'maplibre-gl/dist/maplibre-gl.css';
import { Alert, Center, Loader } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { GeoJSONSource, Map as MapLibreMap, NavigationControl, Popup, setWorkerUrl, type GeoJSONSourceSpecification, type StyleSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../../api';
import { ProblemAlert } from '../ProblemAlert';

// The worker from our own origin, as on the areas page: no CDN, no blob.
setWorkerUrl(workerUrl);

const VIETNAM_BOUNDS: [[number, number], [number, number]] = [
  [102.1, 8.3],
  [109.6, 23.45],
];

export interface ProvinceCoverage {
  code: string;
  /** Percent of the adults (18+) with at least one dose; null when their number is unknown. */
  pct: number | null;
  label: string;
}

/** Province boundaries from our own GeoJSON, coloured by coverage; no basemap tiles, so it works offline. */
function withCoverage(data: api.ProvinceFeatureCollection, coverage: readonly ProvinceCoverage[]) {
  const byCode = new Map(coverage.map((c) => [c.code, c]));
  const features = data.features.map((f) => {
    const c = byCode.get(String(f.properties.code));
    return { ...f, properties: { ...f.properties, pct: c?.pct ?? -1, label: c?.label ?? String(f.properties.name) } };
  });
  return { ...data, features } as unknown as GeoJSONSourceSpecification['data'];
}

export default function CoverageMap({ coverage }: { coverage: ProvinceCoverage[] }) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const coverageRef = useRef(coverage);
  const [initError, setInitError] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const boundaries = useQuery({ queryKey: ['areas', 'boundaries', 'provinces'], queryFn: ({ signal }) => api.getProvinceBoundaries(signal), staleTime: Infinity });

  // The map is made once per boundary set; new figures only replace the source's data.
  useEffect(() => {
    const data = boundaries.data;
    if (!data || !container.current) return;
    const style: StyleSpecification = {
      version: 8,
      sources: { provinces: { type: 'geojson', data: withCoverage(data, coverageRef.current) } },
      layers: [
        { id: 'background', type: 'background', paint: { 'background-color': '#e8eff2' } },
        {
          id: 'coverage',
          type: 'fill',
          source: 'provinces',
          paint: {
            'fill-color': ['case', ['<', ['get', 'pct'], 0], '#dddddd', ['interpolate', ['linear'], ['get', 'pct'], 0, '#fdecea', 50, '#f08a7e', 100, '#7f1414']],
            'fill-opacity': 0.9,
          },
        },
        { id: 'line', type: 'line', source: 'provinces', paint: { 'line-color': '#5c1010', 'line-width': 0.6 } },
      ],
    };
    let map: MapLibreMap;
    try {
      map = new MapLibreMap({ container: container.current, style, bounds: VIETNAM_BOUNDS, fitBoundsOptions: { padding: 16 }, attributionControl: false, dragRotate: false, maxZoom: 10, minZoom: 3 });
    } catch {
      setInitError(true);
      return;
    }
    mapRef.current = map;
    map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    const popup = new Popup({ closeButton: true, closeOnClick: true });
    map.on('load', () => setLoaded(true));
    map.on('click', 'coverage', (e) => {
      const label = e.features?.[0]?.properties?.label;
      if (typeof label === 'string') popup.setLngLat(e.lngLat).setText(label).addTo(map);
    });
    return () => {
      popup.remove();
      map.remove();
      mapRef.current = null;
      setLoaded(false);
    };
  }, [boundaries.data]);

  useEffect(() => {
    coverageRef.current = coverage;
    const source = mapRef.current?.getSource('provinces');
    if (loaded && boundaries.data && source instanceof GeoJSONSource) source.setData(withCoverage(boundaries.data, coverage));
  }, [coverage, loaded, boundaries.data]);

  if (boundaries.isError) {
    return api.isApiError(boundaries.error) && boundaries.error.status === 404 ? <Alert color="gray">{t('areas.noBoundaries')}</Alert> : <ProblemAlert error={boundaries.error} />;
  }
  if (initError) return <Alert color="gray">{t('areas.noWebgl')}</Alert>;
  return (
    <div style={{ position: 'relative', width: '100%', height: '100%' }}>
      <div ref={container} className="sen-map" role="region" aria-label={t('reports.map')} />
      {(!boundaries.data || !loaded) && (
        <Center style={{ position: 'absolute', inset: 0, pointerEvents: 'none' }}>
          <Loader />
        </Center>
      )}
    </div>
  );
}
