// Reading the facts of a report out of one free-form message.
import { describe, expect, it } from 'vitest';
import { answersToQuestions, findCoordinates, findPhone, labelledFacts, withoutLabelledLines } from '../../src/conversation/one-shot.js';

describe('facts in one message', () => {
  it('reads labelled lines in Indonesian and English, ignoring our unfilled placeholders', () => {
    const text = 'Nama: Budi\nNo. HP: 0812 3456 7890\nAlamat: Jl. Melati 3\nLocation: depan pasar\nKategori: (nomor atau nama jenis masalah)';
    expect(labelledFacts(text)).toEqual({ name: 'Budi', phone: '0812 3456 7890', address: 'Jl. Melati 3', location: 'depan pasar' });
    expect(withoutLabelledLines(`Jalan rusak parah.\n${text}`)).toBe('Jalan rusak parah.');
  });
  it('finds a phone number and map coordinates anywhere', () => {
    expect(findPhone('hubungi saya di +62 812-3456-7890 ya')).toBe('+62 812-3456-7890');
    expect(findPhone('rumah nomor 12, RT 003')).toBeUndefined();
    expect(findCoordinates('https://maps.google.com/?q=-6.2088%2C106.8456')).toEqual({ latitude: -6.2088, longitude: 106.8456 });
    expect(findCoordinates('@-7.2575,112.7521,17z')).toEqual({ latitude: -7.2575, longitude: 112.7521 });
  });
  it('reads an unlabelled reply as the answer to one question, or to several in order', () => {
    expect(answersToQuestions('081234567890\n\nterima kasih', ['phone'])).toEqual({ phone: '081234567890' });
    expect(answersToQuestions('081234567890\nJl. Anggrek 7', ['phone', 'address'])).toEqual({ phone: '081234567890', address: 'Jl. Anggrek 7' });
    expect(answersToQuestions('Alamat: Jl. Anggrek 7', ['phone', 'address'])).toEqual({ address: 'Jl. Anggrek 7' });
  });
});
