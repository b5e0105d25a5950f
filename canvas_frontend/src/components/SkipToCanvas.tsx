/**
 * "Skip to canvas": the page's first focusable element, shown only when it has the focus. It
 * moves the focus past the toolbar and the palette onto the canvas: the selected node, else the
 * first node (React Flow's nodes and edges are focusable: Tab goes on from there, Enter selects,
 * the arrow keys move, C connects), else the empty canvas itself.
 */

import { memo, type MouseEvent } from "react";

/** Focus a container that is not focusable by itself, until it loses the focus. */
function focusRegion(el: HTMLElement): void {
  if (!el.hasAttribute("tabindex")) {
    el.setAttribute("tabindex", "-1");
    el.addEventListener("blur", () => el.removeAttribute("tabindex"), { once: true });
  }
  el.focus();
}

function skipToCanvas(): void {
  const canvas = document.querySelector<HTMLElement>(".canvas");
  if (!canvas) return;
  const node =
    canvas.querySelector<HTMLElement>(".react-flow__node.selected[tabindex]") ??
    canvas.querySelector<HTMLElement>(".react-flow__node[tabindex]");
  if (node) node.focus();
  else focusRegion(canvas);
}

export const SkipToCanvas = memo(function SkipToCanvas() {
  return (
    <a
      className="skip-link"
      href="#canvas"
      onClick={(e: MouseEvent) => {
        // the hash is the page's route: do not navigate
        e.preventDefault();
        skipToCanvas();
      }}
    >
      Skip to canvas
    </a>
  );
});
