"""Foreign residents' names as registered in alphabet and as counters write them in katakana.

Shared by the demo data (residents registered differently at two counters), the 名寄せ
benchmark population and the labelled pairs of the tests.
"""

# (alphabet parts, katakana parts, sex); the first part is the family name.
FOREIGN = [
    (["NGUYEN", "THI", "LAN"], ["グエン", "ティ", "ラン"], "female"),
    (["NGUYEN", "VAN", "MINH"], ["グエン", "ヴァン", "ミン"], "male"),
    (["TRAN", "THI", "HUONG"], ["チャン", "ティ", "フオン"], "female"),
    (["LE", "VAN", "DUC"], ["レー", "ヴァン", "ドゥック"], "male"),
    (["PHAM", "THI", "HOA"], ["ファム", "ティ", "ホア"], "female"),
    (["HOANG", "VAN", "TUAN"], ["ホアン", "ヴァン", "トゥアン"], "male"),
    (["VU", "THI", "LINH"], ["ヴー", "ティ", "リン"], "female"),
    (["SANTOS", "MARIA", "CRUZ"], ["サントス", "マリア", "クルス"], "female"),
    (["REYES", "JOSE", "GARCIA"], ["レイエス", "ホセ", "ガルシア"], "male"),
    (["DELA", "ANA", "PATRICIA"], ["デラ", "アナ", "パトリシア"], "female"),
    (["SILVA", "FERNANDO", "OLIVEIRA"], ["シルバ", "フェルナンド", "オリベイラ"], "male"),
    (["SOUZA", "ROBERTO"], ["ソウザ", "ロベルト"], "male"),
    (["GURUNG", "BAHADUR", "RAI"], ["グルン", "バハドゥル", "ライ"], "male"),
    (["SHRESTHA", "SITA"], ["シュレスタ", "シタ"], "female"),
    (["TAMANG", "PEMA"], ["タマン", "ペマ"], "female"),
    (["KIM", "MIN", "JUN"], ["キム", "ミン", "ジュン"], "male"),
    (["PARK", "SOO", "YEON"], ["パク", "スー", "ヨン"], "female"),
    (["WANG", "WEI"], ["ワン", "ウェイ"], "male"),
    (["ZHANG", "LI", "NA"], ["チャン", "リー", "ナ"], "female"),
    (["CHEN", "JIE"], ["チェン", "ジエ"], "male"),
    (["SINGH", "HARPREET"], ["シン", "ハルプリート"], "male"),
    (["AHMED", "MOHAMMAD"], ["アハメド", "モハンマド"], "male"),
    (["SMITH", "JOHN", "WILLIAM"], ["スミス", "ジョン", "ウィリアム"], "male"),
    (["RODRIGUEZ", "JUAN", "CARLOS"], ["ロドリゲス", "フアン", "カルロス"], "male"),
]
# Other given names for household members and twins of the same family.
OTHER_GIVEN = [
    (["THI", "MAI"], ["ティ", "マイ"]),
    (["VAN", "NAM"], ["ヴァン", "ナム"]),
    (["THI", "THU"], ["ティ", "トゥー"]),
    (["VAN", "HUNG"], ["ヴァン", "フン"]),
    (["JOSEPH"], ["ジョセフ"]),
    (["ROSA"], ["ロサ"]),
    (["ANTONIO"], ["アントニオ"]),
    (["KUMAR"], ["クマール"]),
]
