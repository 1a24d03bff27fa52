package onekey.softphone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class EventFormatterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s.replace('\'', '"'));
    }

    @Test
    void screenPopShowsTheWholeRecordWithSosInCapsAndContactsInOrder() throws Exception {
        String text = EventFormatter.format(json("""
                {'type':'call.offered','seq':7,'callerNumber':'02155550001','registered':true,
                 'call':{'id':42,'line':'sos','dnis':'1234901','callerNumber':'02155550001'},
                 'elder':{'name':'张桂英','age':87,'gender':'female','address':'控江路1029弄12号302室',
                   'landmarks':'菜场对面','district':'杨浦区','language':'zh','healthConditions':'高血压',
                   'medications':'氨氯地平 5mg','allergies':'青霉素过敏','mobility':'拄拐杖',
                   'device':'one-key landline','notes':null,
                   'contacts':[{'name':'李建国','relation':'儿子','phone':'13816000001'},
                               {'name':'居委会','relation':'居委','phone':'02165430001'}]}}"""));
        assertTrue(text.contains("SCREEN POP"), text);
        assertTrue(text.contains("!!! SOS !!!"), text);
        assertTrue(text.contains("LINE        SOS  (dialled 1234901)"), text);
        assertTrue(text.contains("CALLER      02155550001"), text);
        assertTrue(text.contains("ELDER       张桂英, 87 (female)"), text);
        assertTrue(text.contains("ADDRESS     控江路1029弄12号302室"), text);
        assertTrue(text.contains("LANDMARKS   菜场对面"), text);
        assertTrue(text.contains("DISTRICT    杨浦区"), text);
        assertTrue(text.contains("LANGUAGE    zh"), text);
        assertTrue(text.contains("HEALTH      高血压"), text);
        assertTrue(text.contains("MEDICATIONS 氨氯地平 5mg"), text);
        assertTrue(text.contains("ALLERGIES   青霉素过敏"), text);
        assertTrue(text.contains("MOBILITY    拄拐杖"), text);
        assertTrue(text.contains("DEVICE      one-key landline"), text);
        assertFalse(text.contains("NOTES"), text);
        int first = text.indexOf("1. 李建国 (儿子)  13816000001");
        int second = text.indexOf("2. 居委会 (居委)  02165430001");
        assertTrue(first > 0 && second > first, text);
        assertTrue(text.endsWith(EventFormatter.RULE), text);
    }

    @Test
    void aRecordTheDatabaseCouldNotReadIsNotCalledUnregistered() throws Exception {
        String text = EventFormatter.format(json("""
                {'type':'call.offered','seq':4,'callerNumber':'02155550001','registered':false,'recordUnavailable':true,
                 'elder':null,'call':{'id':6,'line':'sos','dnis':'1234901'}}"""));
        assertTrue(text.contains("RECORD UNAVAILABLE 02155550001"), text);
        assertFalse(text.contains("UNREGISTERED"), text);
    }

    @Test
    void unregisteredCallerIsSaidPlainly() throws Exception {
        String text = EventFormatter.format(json("""
                {'type':'call.offered','seq':3,'callerNumber':'02155559999','registered':false,'elder':null,
                 'call':{'id':5,'line':'taxi','dnis':'1234903'}}"""));
        assertTrue(text.contains("UNREGISTERED CALLER 02155559999"), text);
        assertTrue(text.contains("LINE        taxi"), text);
        assertFalse(text.contains("SOS"), text);
        assertFalse(text.contains("ELDER"), text);
    }

    @Test
    void oneLineEvents() throws Exception {
        assertEquals("call #42 ENDED: completed, waited 3.2 s, talked 27.0 s", EventFormatter.format(json(
                "{'type':'call.ended','seq':9,'call':{'id':42,'outcome':'completed','waitMs':3210,'talkMs':27000}}")));
        assertEquals("call #42 ENDED: abandoned, waited 9.0 s, talked -", EventFormatter.format(json(
                "{'type':'call.ended','call':{'id':42,'outcome':'abandoned','waitMs':9000,'talkMs':null}}")));
        assertEquals("call #42 ANSWERED (SOS, caller 02155550001)", EventFormatter.format(json(
                "{'type':'call.answered','call':{'id':42,'line':'sos','callerNumber':'02155550001'}}")));
        assertEquals("agent 1001 is not-ready (lunch)", EventFormatter.format(json(
                "{'type':'agent.state','agent':{'username':'1001','state':'not-ready','reason':'lunch'}}")));
        assertEquals("ERROR (agent.ready): not allowed", EventFormatter.format(json(
                "{'type':'error','command':'agent.ready','message':'not allowed'}")));
        assertTrue(EventFormatter.format(json("{'type':'something.new','x':1}")).startsWith("something.new "));
    }
}
