/** Light / dark theme switch. */
export function ThemeToggle() {
  return null;
}
