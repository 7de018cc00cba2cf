// Small inline icons (24x24, currentColor), decorative: every control that shows one also has a text name.
const paths = {
  reply: 'M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H11l-4.6 3.7a.6.6 0 0 1-1-.47V16h-1A.5.5 0 0 1 4 15.5z',
  retweet: 'M7 7h9.5A2.5 2.5 0 0 1 19 9.5V14m0 0 2.5-2.5M19 14l-2.5-2.5M17 17H7.5A2.5 2.5 0 0 1 5 14.5V10m0 0 2.5 2.5M5 10l-2.5 2.5',
  like: 'M12 20s-7.5-4.6-7.5-10.2A4.3 4.3 0 0 1 12 7.1a4.3 4.3 0 0 1 7.5 2.7C19.5 15.4 12 20 12 20z',
  views: 'M5 19V11M10 19V5M15 19v-6M20 19V9',
  edit: 'M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4',
  search: 'M10.5 17a6.5 6.5 0 1 0 0-13a6.5 6.5 0 0 0 0 13zM15.2 15.2 20 20',
  more: 'M6.2 12a1.2 1.2 0 1 1-2.4 0a1.2 1.2 0 1 1 2.4 0zM13.2 12a1.2 1.2 0 1 1-2.4 0a1.2 1.2 0 1 1 2.4 0zM20.2 12a1.2 1.2 0 1 1-2.4 0a1.2 1.2 0 1 1 2.4 0z',
} as const;

export function Icon({ name }: { name: keyof typeof paths }) {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path d={paths[name]} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
