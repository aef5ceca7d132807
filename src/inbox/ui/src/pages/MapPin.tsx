// A map with a pin, where map tiles can load. Coordinates and address are
// shown beside it regardless: on a closed network the map stays grey.
import 'leaflet/dist/leaflet.css';
import L from 'leaflet';
import markerIcon from 'leaflet/dist/images/marker-icon.png';
import markerShadow from 'leaflet/dist/images/marker-shadow.png';
import { useEffect, useRef } from 'preact/hooks';

export function MapPin({ latitude, longitude }: { latitude: number; longitude: number }) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!element.current) return;
    const map = L.map(element.current, { attributionControl: true }).setView([latitude, longitude], 16);
    L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', { maxZoom: 19, attribution: '© OpenStreetMap' }).addTo(map);
    L.marker([latitude, longitude], { icon: L.icon({ iconUrl: markerIcon, shadowUrl: markerShadow, iconSize: [25, 41], iconAnchor: [12, 41] }) }).addTo(map);
    return () => { map.remove(); };
  }, [latitude, longitude]);
  return <div class="map" ref={element} />;
}
