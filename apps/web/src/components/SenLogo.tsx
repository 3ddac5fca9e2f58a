/** The lotus mark (inline SVG, no network). */
export function SenLogo({ size = 32 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" focusable="false">
      <circle cx="32" cy="32" r="30" fill="#fff" />
      <path d="M32 14c6 8 9 14 9 20a9 9 0 0 1-18 0c0-6 3-12 9-20z" fill="#9b1c1c" />
      <path d="M16 36c5 0 10 3 12 9-6 1-11-3-12-9zm32 0c-5 0-10 3-12 9 6 1 11-3 12-9z" fill="#1f8f86" />
    </svg>
  );
}
