"""Gender cues for pronoun agreement: first names, then what the article says.

A first name is weak evidence (a prior for "he"/"she" agreement only); a title
("Ms.", "Mr."), a gendered role noun ("congresswoman", "his wife") or the text's
own pronouns override it. Names used for both are left out.
"""

from __future__ import annotations

from .names import fold, wordset

MALE_NAMES = wordset(
    """
    aaron abdul abdullah abraham adam adrian ahmad ahmed alan albert alejandro alexander alfred ali
    allen andre andrew andy angus anthony antonio arnold arthur asa austin barack barry ben benjamin
    bernard bernie bill billy blake bob bobby boris brad bradley brandon brendan brett brian bruce
    bryan carl carlos cedric charles charlie chuck clarence clifford clint colin connor craig curtis
    dale dan daniel danny darren dave david dean denis dennis derek dick dmitry don donald doug douglas
    duncan dwight earl ed eddie edgar edward elijah elliot emmanuel enrique eric erik ernest eugene
    evan felipe fernando francis francisco frank fred frederick gabriel gary gavin gene geoffrey george
    gerald gordon graham greg gregory guy hamid hank harold harry hassan heinz henry herbert howard
    hugh hussein ian isaac ivan jack jacob jake james jared jason javier jay jeff jeffrey jeremy jerome
    jerry jesse jim jimmy joe joel john johnny jon jonathan jorge jose joseph josh joshua juan julian
    justin karl keith ken kenneth kevin khalid kurt kyle larry lawrence leo leon leonard lewis liam
    lindsey lloyd louis luis luke malcolm marco marcus mario mark martin matt matthew maurice max
    michael miguel mike mitch mitt mohammad mohammed muhammad nathan neil nicholas nick nigel noah
    norman oliver omar oscar owen pablo patrick paul pedro pete peter phil philip pierre ralph ramon
    randy ray raymond reggie ricardo richard rick ricky rob robert roberto rod rodney roger roland
    ron ronald ross roy rudy rupert russell ryan salman sam samuel scott sean sergei sergey seth
    shane simon stanley stephen steve steven stuart ted terry thomas tim timothy todd tom tommy tony
    travis trevor troy tyler victor vincent vladimir walter warren wayne wesley william willie xavier
    yusuf zachary mahmoud ebrahim ibrahim hossein javad recep emmanuel justin narendra xi jair
    olaf volodymyr yair benny naftali rishi keir boris mitch rand marco kamal
    """
)
FEMALE_NAMES = wordset(
    """
    abby abigail ada adriana agnes aisha alexandra alexandria alice alicia alison allison amanda amber
    amy ana andrea angela angelina anita ann anna anne annie april ashley audrey barbara beatrice
    becky belinda betty beverly bonnie brenda bridget brittany camila carla carmen carol caroline
    carolyn catherine cathy charlotte chelsea cheryl christina christine cindy claire clara claudia
    colleen connie cynthia daisy dana danielle debbie deborah debra denise diana diane donna doris
    dorothy edith eileen elaine eleanor elena elisabeth elizabeth ella ellen emily emma erin esther
    eva evelyn fatima fiona florence frances gabriela gail georgia gillian gina gloria grace gretchen
    hannah harriet heather heidi helen hillary holly ilhan irene iris isabel isabella jacqueline jane
    janet janice jasmine jennifer jenny jessica jill joan joanna joanne josephine joy joyce judith
    judy julia julie june karen kate katherine kathleen kathryn kathy katie kayleigh kelly kirsten
    kristen laura lauren leah lillian linda lisa liz lois lori louise lucy lynn madeleine madison
    malia margaret maria marie marilyn marion martha mary maureen megan melania melanie melissa
    meredith michelle mikie mildred miriam molly monica nancy naomi natalie nicole nikki nina nora
    norma olivia pamela patricia paula pauline peggy penny phyllis priscilla rachel rebecca regina
    rita roberta rosa rose ruth sally samantha sandra sara sarah sasha sharon sheila shirley silvia
    sophia sophie stacey stephanie sue susan suzanne sylvia tamara teresa theresa tiffany tina tracy
    ursula valerie vanessa veronica victoria virginia wanda wendy yolanda yvonne zoe kamala elise
    marsha tulsi kirstjen nikki betsy condoleezza jacinda theresa angela ursula giorgia marine
    liz kristi greta tammy dianne kyrsten jeanne
    """
)


def name_gender(first: str) -> str | None:
    """"m", "f" or None for a first name."""
    word = fold(first).strip(".,")
    if word in MALE_NAMES and word not in FEMALE_NAMES:
        return "m"
    if word in FEMALE_NAMES and word not in MALE_NAMES:
        return "f"
    return None
