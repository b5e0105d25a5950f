/**
 * The first-visit tour: three short steps (add nodes from the palette, wire the ports, run and
 * inspect the results; graph/onboarding.ts) on a small card in the canvas's top-right corner. It
 * is not modal: the canvas stays usable around it. It opens by itself the first time this
 * browser opens a workflow (never in an automated browser), without taking the focus; closing it
 * at any step is remembered (localStorage), and Help → Getting started opens it again.
 */

import { memo, useEffect, useRef, useState } from "react";
import { markSeen, ONBOARDING_STEPS, readSeen, shouldAutoShow } from "../graph/onboarding";
import { useHelpStore } from "../store/useHelpStore";
import "./Onboarding.css";

function browserStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** Open the tour once, on a first visit (call when the canvas page mounts). */
function useFirstVisitTour(): void {
  useEffect(() => {
    if (shouldAutoShow(readSeen(browserStorage()), navigator.webdriver === true)) {
      useHelpStore.getState().openOnboarding(false);
    }
  }, []);
}

function OnboardingView() {
  const open = useHelpStore((s) => s.onboardingOpen);
  useFirstVisitTour();
  return open ? <OnboardingCard /> : null;
}

function OnboardingCard() {
  const takeFocus = useHelpStore((s) => s.onboardingFocus);
  const [index, setIndex] = useState(0);
  const primary = useRef<HTMLButtonElement | null>(null);
  const step = ONBOARDING_STEPS[index] ?? ONBOARDING_STEPS[0];
  const last = index === ONBOARDING_STEPS.length - 1;

  useEffect(() => {
    if (takeFocus) primary.current?.focus();
  }, [takeFocus]);

  function close() {
    markSeen(browserStorage());
    useHelpStore.getState().closeOnboarding();
  }

  if (!step) return null;
  return (
    <section
      className="onboarding"
      role="dialog"
      aria-modal="false"
      aria-labelledby="onboarding-title"
      aria-describedby="onboarding-body"
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          e.stopPropagation();
          close();
        }
      }}
    >
      <header>
        <span className="onboarding-count">
          Getting started · {index + 1} of {ONBOARDING_STEPS.length}
        </span>
        <button type="button" className="onboarding-close" onClick={close} aria-label="Close">
          ×
        </button>
      </header>
      <h2 id="onboarding-title">{step.title}</h2>
      <p id="onboarding-body">{step.body}</p>
      <p className="onboarding-where">Where: {step.where}</p>
      <footer>
        <span className="onboarding-dots" aria-hidden>
          {ONBOARDING_STEPS.map((s, i) => (
            <span key={s.title} className={i === index ? "on" : undefined} />
          ))}
        </span>
        {index > 0 && (
          <button type="button" onClick={() => setIndex(index - 1)}>
            Back
          </button>
        )}
        <button
          type="button"
          className="primary"
          ref={primary}
          onClick={() => (last ? close() : setIndex(index + 1))}
        >
          {last ? "Done" : "Next"}
        </button>
      </footer>
    </section>
  );
}

export const Onboarding = memo(OnboardingView);
