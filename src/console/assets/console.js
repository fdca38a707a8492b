// The console's only script. The pages are rendered on the server; this file
// follows the live page's event stream and redraws its figures. It writes
// text with textContent and never builds markup from data.
'use strict';

function startLive(section) {
  const state = document.getElementById('live-state');
  const events = new EventSource(section.dataset.events);
  events.addEventListener('open', () => {
    state.textContent = 'live';
  });
  events.addEventListener('error', () => {
    state.textContent = 'reconnecting…';
  });
  events.addEventListener('snapshot', (event) => {
    const snapshot = JSON.parse(event.data);
    for (const field of ['total', 'rps', 'inFlight', 'inFlightStreams']) {
      const element = section.querySelector(`[data-live="${field}"]`);
      if (element) element.textContent = snapshot[field];
    }
    const line = section.querySelector('#live-chart polyline[data-series="0"]');
    if (line) line.setAttribute('points', snapshot.chart.points);
    const max = section.querySelector('#live-chart [data-chart="max"]');
    if (max) max.textContent = snapshot.chart.max;
    const body = section.querySelector('#live-providers tbody');
    const rows = snapshot.providers.map((cells) => {
      const row = document.createElement('tr');
      row.dataset.provider = cells[0];
      cells.forEach((text, index) => {
        const cell = document.createElement('td');
        if (index > 0) cell.className = 'num';
        cell.textContent = text;
        row.append(cell);
      });
      return row;
    });
    body.replaceChildren(...rows);
    state.textContent = `live, updated ${new Date().toLocaleTimeString()}`;
  });
}

document.addEventListener('DOMContentLoaded', () => {
  const live = document.getElementById('live');
  if (live) startLive(live);
});
