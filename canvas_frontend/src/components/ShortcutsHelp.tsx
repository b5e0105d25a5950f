/** The keyboard shortcuts overlay: the table of graph/shortcuts.ts (the one the handler uses). */

import { memo, useEffect, useRef } from "react";
import { formatCombo, isMacPlatform, SHORTCUTS } from "../graph/shortcuts";
import "./ShortcutsHelp.css";

function ShortcutsHelpView({ onClose }: { onClose: () => void }) {
  const close = useRef<HTMLButtonElement | null>(null);
  const mac = isMacPlatform(typeof navigator === "undefined" ? "" : navigator.platform);
  useEffect(() => close.current?.focus(), []);

  return (
    <div
      className="modal-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div
        className="modal shortcuts-help"
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        onKeyDown={(e) => {
          if (e.key === "Escape" || e.key === "?") {
            e.preventDefault();
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <header>
          <h2>Keyboard shortcuts</h2>
          <button type="button" ref={close} onClick={onClose} aria-label="Close">
            ×
          </button>
        </header>
        <table>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.id}>
                <th scope="row">{s.label}</th>
                <td>
                  {s.keys.map((k) => (
                    <kbd key={k}>{formatCombo(k, mac)}</kbd>
                  ))}
                  {s.mouse && <span className="shortcuts-mouse">{s.mouse}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export const ShortcutsHelp = memo(ShortcutsHelpView);
