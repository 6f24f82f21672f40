import request from 'supertest';
import type { TestApp } from './test-app.js';

/** The value of one series of the Prometheus text exposition, or undefined when absent. */
export function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.indexOf('}'));
    const present = labelText.split(',');
    if (wanted.every((pair) => present.includes(pair)) && present.length === wanted.length) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

export async function scrape(t: TestApp): Promise<string> {
  const res = await request(t.server).get('/metrics');
  expect(res.status).toBe(200);
  return res.text;
}
