/** Light / dark / system theme switch: one button that cycles through the three. */

import { memo } from "react";
import { nextPreference, type ThemePreference } from "../graph/theme";
import { useThemePreference, useThemeStore } from "../store/useThemeStore";
import "./workflows.css";

const NAMES: Record<ThemePreference, string> = {
  light: "light",
  dark: "dark",
  system: "same as the system",
};

function Icon({ preference }: { preference: ThemePreference }) {
  const common = {
    width: 16,
    height: 16,
    viewBox: "0 0 24 24",
    fill: "none",
    stroke: "currentColor",
    strokeWidth: 2,
    strokeLinecap: "round" as const,
    strokeLinejoin: "round" as const,
    "aria-hidden": true,
  };
  if (preference === "light") {
    return (
      <svg {...common}>
        <circle cx="12" cy="12" r="4" />
        <path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" />
      </svg>
    );
  }
  if (preference === "dark") {
    return (
      <svg {...common}>
        <path d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z" />
      </svg>
    );
  }
  return (
    <svg {...common}>
      <rect x="3" y="4" width="18" height="12" rx="2" />
      <path d="M8 20h8M12 16v4" />
    </svg>
  );
}

export const ThemeToggle = memo(function ThemeToggle() {
  const preference = useThemePreference();
  const label = `Theme: ${NAMES[preference]}. Switch to ${NAMES[nextPreference(preference)]}`;
  return (
    <button
      type="button"
      className="theme-toggle"
      onClick={() => useThemeStore.getState().cycle()}
      aria-label={label}
      title={label}
      data-theme-preference={preference}
    >
      <Icon preference={preference} />
    </button>
  );
});
