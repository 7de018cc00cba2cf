import { Link } from 'wouter';
import './tabs.css';

export interface LinkTab {
  label: string;
  href: string;
  current: boolean;
}

/** Tabs that are links: each view has a URL of its own, so it can be shared, and Back and Forward move between them. */
export function LinkTabs({ label, tabs }: { label: string; tabs: LinkTab[] }) {
  return (
    <nav aria-label={label} className="tabs">
      {tabs.map((tab) => (
        <Link key={tab.href} href={tab.href} className="tab" aria-current={tab.current ? 'page' : undefined}>
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
