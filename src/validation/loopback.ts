/**
 * Whether `host`, an address to listen on, is the loopback interface only (127.0.0.0/8, ::1,
 * localhost): the embedded server's default and the chaos proxy's only choice.
 */
export function isLoopbackBind(host: string): boolean {
  const name = host.toLowerCase();
  return name === 'localhost' || name === '::1' || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}
