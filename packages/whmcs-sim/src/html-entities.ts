const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#039;',
};

/**
 * Encodes text the way WHMCS stores user input (PHP `htmlspecialchars(..., ENT_QUOTES)`):
 * `Smith & Sons` is stored, and answered by the API, as `Smith &amp; Sons`.
 */
export function encodeEntities(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}
