import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { Icon } from './icons.tsx';
import './menu.css';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  disabled?: boolean;
}

/**
 * A button that opens a short menu of actions (the WAI-ARIA menu button): Enter, Space or Arrow Down open it on its
 * first item, arrows and Home/End move, Escape closes it back onto the button, Tab or a click elsewhere closes it.
 */
export function Menu({ label, items }: { label: string; items: MenuItem[] }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const entries = useRef<(HTMLButtonElement | null)[]>([]);

  useEffect(() => {
    if (!open) return;
    entries.current.find((entry) => entry && !entry.disabled)?.focus();
    const outside = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const onMenuKey = (event: KeyboardEvent) => {
    const enabled = entries.current.filter((entry): entry is HTMLButtonElement => !!entry && !entry.disabled);
    const at = enabled.indexOf(document.activeElement as HTMLButtonElement);
    const move = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: enabled.length - 1 }[event.key];
    if (move !== undefined) {
      event.preventDefault();
      enabled[(move + enabled.length) % enabled.length]?.focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      close();
    } else if (event.key === 'Tab') {
      setOpen(false);
    }
  };

  return (
    <div className="menu" ref={root}>
      <button
        ref={button}
        type="button"
        className="menu-button"
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' && !open) {
            event.preventDefault();
            setOpen(true);
          }
        }}
      >
        <Icon name="more" />
      </button>
      {open && (
        <div id={id} role="menu" aria-label={label} className="menu-list" onKeyDown={onMenuKey}>
          {items.map((item, i) => (
            <button
              key={item.label}
              ref={(element) => void (entries.current[i] = element)}
              type="button"
              role="menuitem"
              tabIndex={-1}
              className="menu-item"
              disabled={item.disabled}
              onClick={() => {
                close();
                item.onSelect();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
