"""Article texts written for these tests (in the style of the newsroom's copy, not taken from it)."""

from __future__ import annotations

# About 300 words, shaped like a wire story: a lede, a ministry statement, background, reactions,
# and a live-blog teaser with its bullets run together on one line, as flattened feeds deliver them.
RECOGNITION_EN = """\
Moscow on July 3 became the first capital to formally recognize the Taliban as the government of \
Afghanistan, Russia's Foreign Ministry said.

"Official recognition of the government of the Islamic Emirate will open the way to productive \
cooperation between our two countries in many fields," the Foreign Ministry said in a statement.

The Taliban, an Islamist movement, took power in Afghanistan in August 2021 after U.S. and NATO \
troops pulled out, and no other state has recognized its administration since, citing its record \
on human rights and its failure to keep counter-terrorism commitments.

State news agency TASS reported that Russian President Vladimir Putin made the decision on the \
advice of Foreign Minister Sergey Lavrov.

Since launching its full-scale invasion of Ukraine in February 2022, the Kremlin has drawn closer to \
isolated governments such as North Korea and Iran, seeking trade and military partners.

Moscow has steadily widened its contacts with the Taliban, hosting its delegations at economic \
forums and discussing investment in Afghan roads and power lines.

In recent months, Russia's Supreme Court lifted the ban on the Taliban, and the State Duma passed a \
law in December 2024 that allows groups to be removed from the national list of terrorist \
organizations.

Putin has described the Taliban as "allies," and Lavrov has called its leaders "sane people."

Despite the recognition, the Taliban continues to bar women from secondary schools and universities, \
drawing condemnation from rights groups.

Key developments on July 3: * Putin tells Trump that Russia will not give up its war aims in Ukraine \
* Senior Russian Navy officer killed in Ukrainian strike on Kursk Oblast * Ukraine agrees drone \
co-production deal with a U.S. company, Zelensky says
"""

# A Ukrainian article: inflected names and places, «» quotes with "— сказав", a genitive qualifier.
RECOGNITION_UK = """\
Росія 3 липня першою визнала уряд талібів в Афганістані, повідомило МЗС Росії.

«Офіційне визнання уряду Ісламського Емірату відкриє шлях до продуктивної співпраці між нашими \
країнами», — йдеться в заяві МЗС.

Президент України Володимир Зеленський заявив, що Москва шукає союзників серед диктатур. \
За словами Зеленського, Росією керує страх перед поразкою.

Речник Кремля Дмитро Пєсков сказав журналістам, що рішення ухвалив Путін за порадою Сергія Лаврова. \
Зеленському відповіла речниця МЗС Марія Захарова.

У серпні 2021 року таліби захопили владу в Кабулі. Міністр закордонних справ Туреччини Хакан Фідан \
заявив, що Анкара уважно стежить за ситуацією. Фідана підтримав Лондон.

«Ми не визнаємо жодних змін кордонів силою і не визнаватимемо їх ніколи», — сказав Зеленський.

Уночі російські дрони атакували Харківську область і Київ. У селі Піщане загинули двоє людей, \
повідомила Національна поліція. Верховна Рада звернулася до ООН та НАТО.
"""

# Another story on the same event, written separately: shares names and topic, not sentences.
RECOGNITION_EN_OTHER = """\
The Kremlin's decision to recognize the Taliban government surprised few diplomats in Kabul, where \
Russian envoys have been regular visitors since the movement returned to power in August 2021.

Speaking to reporters in Moscow, Foreign Minister Sergey Lavrov said the step reflected "the \
realities on the ground that everyone else prefers to ignore," and urged neighbors of Afghanistan to \
follow.

Analysts said Russia hopes to secure transit routes to South Asia and a role in mining projects, \
while the Taliban gains a permanent member of the UN Security Council as a partner.

Western governments criticized the move. They say recognition rewards a leadership that bars girls \
from education after the sixth grade and has detained journalists and activists.

Vladimir Putin met a Taliban delegation last year, and Russian ministries have since signed \
agreements on wheat, fuel and rail freight. Trade between the two countries remains small, but \
officials in Moscow expect it to triple within three years.

China and several Central Asian states keep ambassadors in Kabul without formal recognition. \
Diplomats there said they would watch how Beijing responds before deciding their next steps, and \
Iran said it was studying the Russian decision.
"""
