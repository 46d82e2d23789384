/** New-message cues: a short WebAudio beep (no sound file) and an unread count in the tab title. */

let audio: AudioContext | undefined;

export function beep(): void {
  try {
    audio ??= new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'sine';
    osc.frequency.value = 880;
    const t = audio.currentTime;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.2, t + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.25);
    osc.connect(gain).connect(audio.destination);
    osc.start(t);
    osc.stop(t + 0.26);
  } catch {
    /* no audio device or autoplay refused: the badge still shows */
  }
}

/** `(3) Switchboard` while there are unread messages. */
export function setTitleBadge(count: number, base: string, format: (n: number) => string): void {
  document.title = count > 0 ? `(${format(count)}) ${base}` : base;
}
