#!/usr/bin/env python3
"""Synthetic exports of a Comune's tax system for the import benchmark.

    scripts/import-bench.py DIR [SCALE]

Writes DIR/contribuenti.csv (100,000 x SCALE), utenze.csv (one each), acts.csv (three
each: the 2025 and 2026 avvisi ordinari in three instalments, and an accertamento or an
ingiunzione) and payments.csv (five each, on the avvisi). Codici fiscali are valid;
amounts and dates are Italian (1.234,56; 31/12/2025); the files are UTF-8 with `;`.
Deterministic: the same SCALE gives the same files.
"""

import os
import sys

ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]
MONTHS = "ABCDEHLMPRST"
SURNAMES = ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
            "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa",
            "Giordano", "Rizzo", "Lombardi", "Moretti", "D'Angelo", "Niccolò"]
NAMES = ["Mario", "Giulia", "Luca", "Francesca", "Marco", "Chiara", "Andrea", "Sara",
         "Giuseppe", "Anna", "Paolo", "Elena", "Nicolò", "Martina"]
STREETS = ["Via Roma", "Via Garibaldi", "Corso Italia", "Via Mazzini", "Piazza del Duomo",
           "Via dell'Università", "Via Cavour", "Viale della Repubblica"]


def letter(n):
    return chr(65 + n % 26)


def codice_fiscale(i):
    """A valid personal codice fiscale, unique for i < 26**5."""
    a = i
    body = letter(a) + letter(a // 26) + letter(a // 676) + letter(a // 17576) + letter(a // 456976) + "X"
    body += f"{50 + i % 50:02d}" + MONTHS[i % 12] + f"{1 + i % 28:02d}" + "H501"
    total = 0
    for pos, ch in enumerate(body):
        v = int(ch) if ch.isdigit() else ord(ch) - 65
        total += ODD[v] if pos % 2 == 0 else v
    return body + letter(total)


def euro(cents):
    units, c = divmod(cents, 100)
    s = f"{units:,}".replace(",", ".")
    return f"{s},{c:02d}"


def main():
    out = sys.argv[1]
    scale = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    n = int(100_000 * scale)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "contribuenti.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("codice_fiscale;cognome;nome;indirizzo;cap;comune;provincia;email\n")
        for i in range(n):
            f.write(f"{codice_fiscale(i)};{SURNAMES[i % len(SURNAMES)]};{NAMES[i % len(NAMES)]};"
                    f"{STREETS[i % len(STREETS)]} {1 + i % 250};00100;Esempio;RM;"
                    f"{'c%d@example.it' % i if i % 3 == 0 else ''}\r\n")
    with open(os.path.join(out, "utenze.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("codice_utenza;codice_fiscale;tipo;indirizzo;cap;comune;superficie;occupanti;categoria;data_inizio\n")
        for i in range(n):
            domestic = i % 10 != 0
            f.write(f"U{i:07d};{codice_fiscale(i)};{'domestica' if domestic else 'non_domestica'};"
                    f"{STREETS[i % len(STREETS)]} {1 + i % 250};00100;Esempio;{40 + i % 160};"
                    f"{1 + i % 6 if domestic else ''};{'' if domestic else 1 + i % 30};"
                    f"{1 + i % 28:02d}/{1 + i % 12:02d}/{2000 + i % 25}\r\n")
    with open(os.path.join(out, "acts.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("codice_fiscale;codice_utenza;tipo;numero;anno;tributo;data_emissione;data_notifica;"
                "quota_tributo;sanzioni;interessi;spese_notifica;"
                "scadenza_1;importo_1;scadenza_2;importo_2;scadenza_3;importo_3\n")
        for i in range(n):
            cf, u = codice_fiscale(i), f"U{i:07d}"
            rata = 5_000 + (i * 37) % 40_000
            for year in (2025, 2026):
                f.write(f"{cf};{u};avviso_ordinario;{year}/{i:07d};{year};tari;01/04/{year};;;;;;"
                        f"31/05/{year};{euro(rata)};31/07/{year};{euro(rata)};30/09/{year};{euro(rata)}\r\n")
            if i % 2 == 0:
                tributo, sanzioni, interessi, spese = 3 * rata, rata, 1_234, 875
                total = tributo + sanzioni + interessi + spese
                f.write(f"{cf};{u};avviso_accertamento;ACC/2025/{i:07d};2024;tari;10/10/2025;20/10/2025;"
                        f"{euro(tributo)};{euro(sanzioni)};{euro(interessi)};{euro(spese)};"
                        f"19/12/2025;{euro(total)};;;;\r\n")
            else:
                total = 3 * rata + 875
                f.write(f"{cf};{u};ingiunzione;ING/2025/{i:07d};2023;tari;01/08/2025;05/08/2025;"
                        f"{euro(3 * rata)};;;{euro(875)};04/10/2025;{euro(total)};;;;\r\n")
    with open(os.path.join(out, "payments.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("id_pagamento;tributo;tipo_atto;anno;numero_atto;data;importo;canale;riferimento;rata\n")
        channels = ["pagopa", "pagopa", "f24", "bank", "desk"]
        k = 0
        for i in range(n):
            rata = 5_000 + (i * 37) % 40_000
            for year, instalment, date in ((2025, 1, "28/05/2025"), (2025, 2, "30/07/2025"),
                                           (2025, 3, "29/09/2025"), (2026, 1, "30/05/2026"),
                                           (2026, 2, "31/07/2026")):
                # Some pay late, some pay less.
                amount = rata if k % 7 else rata // 2
                f.write(f"P{k:08d};tari;avviso_ordinario;{year};{year}/{i:07d};{date};{euro(amount)};"
                        f"{channels[k % 5]};RF{k:020d};{instalment}\r\n")
                k += 1


if __name__ == "__main__":
    main()
